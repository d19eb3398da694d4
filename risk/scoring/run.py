"""The nightly scoring run (local engine): validate -> features -> scores -> bands -> reasons
-> indicators -> drift -> store, published in one transaction at the end (all or nothing).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from features.utc import utc
from risk.scoring.model import indicators, likely_roles, load_model, reasons_fn, score_accounts
from risk.scoring.progress import NullProgress, ProgressReporter, StageClock
from risk.scoring.publish import (
    ScoringSummary,
    already_published,
    publish_scored,
    run_key_of,
)
from risk.scoring.stages import explain_in_chunks
from risk.scoring.table import run_table
from risk.vocab import EXPLAINED_BANDS

__all__ = ["ScoringSummary", "run_scoring"]


def run_scoring(
    *,
    snapshot_dir: Path,
    as_of: pd.Timestamp | None,
    model_ref: str,
    store_url: str,
    tracking_uri: str,
    out: Path | None = None,
    progress: ProgressReporter | None = None,
    chunk_size: int = 50_000,
) -> ScoringSummary:
    """Score every account of a snapshot as of a time and publish the run atomically."""
    from features.build import build_features
    from features.loading import snapshot_fingerprint
    from features.validation import read_valid_snapshot
    from risk.store.db import open_store

    clock = StageClock(progress or NullProgress())
    # Everything that can refuse the input runs before the store is touched.
    with clock.stage("validate"):
        snapshot = read_valid_snapshot(snapshot_dir)
        as_of = snapshot.latest_event_time() if as_of is None else utc(as_of)
        fingerprint = snapshot_fingerprint(snapshot, as_of)
    with clock.stage("load model"):
        scorer = load_model(model_ref, tracking_uri)
    engine = open_store(store_url)
    run_key = run_key_of(fingerprint, as_of, scorer)
    published = already_published(engine, run_key, store_url, out)
    if published is not None:
        return published

    with clock.stage("features"):
        features = build_features(snapshot, as_of)
        region = snapshot.accounts.set_index("account_id")["region"]
        del snapshot
    with clock.stage("score"):
        model_input = features[list(scorer.feature_names)]
        scores, bands = score_accounts(model_input, scorer)
        roles = likely_roles(model_input, bands, scorer)
    with clock.stage("reasons", total=int(bands.isin(EXPLAINED_BANDS).sum())):
        reasons = explain_in_chunks(
            model_input, bands, reasons_fn(scorer), clock, stage="reasons", chunk_size=chunk_size
        )
    with clock.stage("indicators"):
        fired = indicators(features)
    del model_input
    table = run_table(
        network_id=features["network_id"],
        region=region,
        tier=features["tier"],
        scores=scores,
        bands=bands,
        as_of=as_of,
        roles=roles,
        reasons=reasons,
        indicators=fired,
    )
    return publish_scored(
        engine=engine,
        clock=clock,
        table=table,
        features=features,
        scorer=scorer,
        run_key=run_key,
        snapshot_path=str(snapshot_dir),
        store_url=store_url,
        out=out,
        chunk_size=chunk_size,
    )
