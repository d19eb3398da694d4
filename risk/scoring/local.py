"""The local engine: one process, pandas over whole tables (the default).

validate -> features -> scores and bands -> likely roles -> reasons (medium and above, in
chunks) -> legal indicators; the run (``risk.scoring.run``) then measures drift and publishes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from features.build import branch_heads, build_features
from features.loading import snapshot_fingerprint
from features.utc import utc
from features.validation import read_valid_snapshot
from risk.scoring.engine import RunInputs, Scored, ScoringEngine
from risk.scoring.model import banded, indicators, likely_roles, reasons_fn, score_accounts
from risk.scoring.prior import for_platform
from risk.scoring.progress import StageClock
from risk.scoring.reuse import PreviousRun, reusing
from risk.scoring.stages import explain_in_chunks
from risk.scoring.table import run_table
from risk.vocab import EXPLAINED_BANDS

if TYPE_CHECKING:
    from features.snapshot import Snapshot
    from models.scorer import RiskScorer


class LocalEngine(ScoringEngine):
    """The snapshot read and validated whole, features by ``features.build.build_features``."""

    name = "local"

    def __init__(self) -> None:
        self._read: tuple[Snapshot, pd.Timestamp] | None = None

    def inputs(self, snapshot_dir: str | Path, as_of: pd.Timestamp | None) -> RunInputs:
        """Read and validate the snapshot; as_of defaults to its latest event."""
        directory = Path(snapshot_dir)
        snapshot = read_valid_snapshot(directory)
        moment = snapshot.latest_event_time() if as_of is None else utc(as_of)
        self._read = (snapshot, moment)
        fingerprint = snapshot_fingerprint(snapshot, moment)
        return RunInputs(as_of=moment, fingerprint=fingerprint, location=str(directory))

    def _features(self, clock: StageClock) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp]:
        """(feature table, region and branch head per account, as_of); the raw tables are let
        go here."""
        if self._read is None:
            raise RuntimeError("LocalEngine.score before inputs: no snapshot read")
        # The orders are the bulk of the memory: the engine lets go of them once features exist.
        (snapshot, as_of), self._read = self._read, None
        with clock.stage("features"):
            features = build_features(snapshot, as_of)
            accounts = pd.DataFrame(
                {
                    "region": snapshot.accounts.set_index("account_id")["region"],
                    "branch_id": branch_heads(snapshot, as_of),
                }
            )
        return features, accounts, as_of

    def score(
        self,
        scorer: RiskScorer,
        clock: StageClock,
        *,
        chunk_size: int,
        prior_shift: str = "off",
        previous: PreviousRun | None = None,
    ) -> Scored:
        """Features, then scores, bands, roles, reasons and indicators of every account; the
        calibrated score and reasons of accounts whose model input ``previous`` holds unchanged
        are reused (``risk.scoring.reuse``)."""
        features, accounts, as_of = self._features(clock)
        with clock.stage("score"):
            model_input = features[list(scorer.feature_names)]
            # One prediction serves the estimate, the adjusted scores and the drift check.
            if previous is None:
                calibrated, _ = score_accounts(model_input, scorer)
            else:  # only the accounts whose model input changed since the previous run
                unscored = scorer
                calibrated = previous.calibrated_scores(
                    model_input, lambda rows: score_accounts(rows, unscored)[0]
                )
            scorer, prior = for_platform(scorer, prior_shift, calibrated.to_numpy)
            adjusted = scorer.on_platform(calibrated.to_numpy(dtype="float64"))
            scores, bands = banded(
                pd.Series(adjusted, index=calibrated.index, name="score"), scorer
            )
            roles = likely_roles(model_input, bands, scorer)
        with clock.stage("reasons", total=int(bands.isin(EXPLAINED_BANDS).sum())):
            explain = reasons_fn(scorer)
            if previous is not None:
                explain = reusing(explain, previous, scorer.feature_names)
            reasons = explain_in_chunks(
                model_input, bands, explain, clock, stage="reasons", chunk_size=chunk_size
            )
        with clock.stage("indicators"):
            fired = indicators(features)
        table = run_table(
            network_id=features["network_id"],
            region=accounts["region"],
            tier=features["tier"],
            scores=scores,
            bands=bands,
            as_of=as_of,
            roles=roles,
            reasons=reasons,
            indicators=fired,
            branch_id=accounts["branch_id"],
        )
        return Scored(
            table=table,
            features=features,
            prior_shift=prior,
            calibrated=calibrated,
            reasons_reused=0 if previous is None else previous.reused,
            scores_reused=0 if previous is None else previous.scores_reused,
        )
