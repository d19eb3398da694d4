"""Shadow scoring: a published run's snapshot scored again, as of the same time, by the
@challenger model, with the same prior-shift mode as the run; stored beside the run.
Moderators keep the champion's scores: nothing of the published run changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from features.build import build_features
from features.validation import read_valid_snapshot
from risk.errors import RunNotFoundError
from risk.scoring.model import load_model
from risk.scoring.prior import OFF, for_platform
from risk.store.db import open_store
from risk.store.runs import get_run
from risk.store.shadow import run_scores, write_shadow

CHALLENGER = "challenger"


@dataclass(frozen=True)
class ShadowSummary:
    """What a shadow run stored."""

    run_id: str
    model_version: str  # name/version of the challenger
    accounts: int
    changed_band: int  # accounts whose band differs from the champion's


def shadow_score(
    *,
    run_id: str,
    store_url: str,
    tracking_uri: str,
    model_name: str,
    snapshot_dir: str | Path | None = None,
) -> ShadowSummary | None:
    """Score run ``run_id`` again with ``model_name@challenger``; None when the challenger is the
    model that scored the run (nothing to compare)."""
    store = open_store(store_url)
    try:
        run = get_run(store, run_id)
        if run is None or run.status != "published":
            raise RunNotFoundError(f"no published scoring run {run_id!r}")
        scorer = load_model(f"{model_name}@{CHALLENGER}", tracking_uri)
        if (scorer.name, scorer.version) == (run.model_name, run.model_version):
            return None
        snapshot = read_valid_snapshot(Path(snapshot_dir or str(run.snapshot_path)))
        features = build_features(snapshot, pd.Timestamp(run.as_of))
        model_input = features[list(scorer.feature_names)]
        calibrated = np.asarray(scorer.predict_proba(model_input), dtype="float64")
        mode = str((run.drift or {}).get("prior_shift", {}).get("mode", OFF))
        adjusted_scorer, prior = for_platform(scorer, mode, lambda: calibrated)
        scores = adjusted_scorer.on_platform(calibrated)
        frame = pd.DataFrame(
            {
                "account_id": model_input.index.astype(str),
                "score": scores,
                "band": np.asarray(scorer.bands(scores)),
            }
        )
        write_shadow(
            store,
            run_id,
            model_name=scorer.name,
            model_version=scorer.version,
            scores=frame,
            prior_shift=prior,
        )
        champion = run_scores(store, run_id).set_index("account_id")["band"]
        joined = frame.set_index("account_id")["band"].reindex(champion.index)
        return ShadowSummary(
            run_id=run_id,
            model_version=scorer.label,
            accounts=len(frame),
            changed_band=int((joined != champion).sum()),
        )
    finally:
        store.dispose()
