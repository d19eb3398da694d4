"""The nightly scoring run, whatever the engine: validate -> load the model -> recognise a
published run -> features, scores, bands, reasons, indicators (the engine) -> drift -> store,
published in one transaction at the end (all or nothing).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from features.contract import FUTURE_TOLERANCE_HOURS
from features.errors import DataContractError
from features.utc import utc
from risk.scoring.engine import ScoringEngine
from risk.scoring.local import LocalEngine
from risk.scoring.model import load_model
from risk.scoring.prior import DEFAULT_PRIOR_SHIFT
from risk.scoring.progress import NullProgress, ProgressReporter, StageClock
from risk.scoring.publish import ScoringSummary, already_published, publish_scored, run_key_of
from risk.scoring.reuse import previous_run
from risk.scoring.spark import SparkEngine
from risk.store.db import open_store

ENGINES: tuple[str, ...] = (LocalEngine.name, SparkEngine.name)


def engine_named(name: str, *, spark_master: str | None = None) -> ScoringEngine:
    """A new engine by its name in ``ENGINES`` (``spark_master`` is for ``spark``)."""
    if name == SparkEngine.name:
        return SparkEngine(spark_master=spark_master)
    if name != LocalEngine.name:
        raise ValueError(f"unknown engine {name!r}: use one of {', '.join(ENGINES)}")
    return LocalEngine()


def refuse_future_as_of(as_of: pd.Timestamp | None) -> None:
    """An explicit ``as_of`` after now (plus the contract's tolerance) is refused: the run with
    the newest as_of is the one readers see, so a typo'd year would hide every later run."""
    if as_of is None:
        return
    limit = pd.Timestamp.now(tz="UTC") + pd.Timedelta(hours=FUTURE_TOLERANCE_HOURS)
    if utc(as_of) > limit:
        raise DataContractError(
            f"--as-of {utc(as_of).isoformat()} is after {limit:%Y-%m-%d %H:%M} UTC: a scoring "
            "run cannot be as of the future"
        )


def run_scoring(
    *,
    snapshot_dir: str | Path,
    as_of: pd.Timestamp | None,
    model_ref: str,
    store_url: str,
    tracking_uri: str,
    out: Path | None = None,
    progress: ProgressReporter | None = None,
    chunk_size: int = 50_000,
    engine: ScoringEngine | None = None,
    prior_shift: str | None = None,
    full: bool = False,
) -> ScoringSummary:
    """Score every account of a snapshot with ``engine`` (default local); publish atomically.
    ``prior_shift`` (``em`` or ``off``, default ``DEFAULT_PRIOR_SHIFT``): adjust the scores to
    the snapshot's estimated scheme share before banding (``risk.scoring.prior``). The score and
    reasons of accounts whose model input the latest published run (same model version) holds
    unchanged are taken from it (``risk.scoring.reuse``: the same numbers); ``full`` predicts
    and explains every account."""
    refuse_future_as_of(as_of)
    engine = engine or LocalEngine()
    clock = StageClock(progress or NullProgress())
    # Everything that can refuse the input runs before the store is touched.
    with clock.stage("validate"):
        inputs = engine.inputs(snapshot_dir, as_of)
    with clock.stage("load model"):
        scorer = load_model(model_ref, tracking_uri)
    store = open_store(store_url)
    run_key = run_key_of(inputs.fingerprint, inputs.as_of, scorer)
    mode = prior_shift or DEFAULT_PRIOR_SHIFT
    published = already_published(store, run_key, store_url, out, mode)
    if published is not None:
        return published
    previous = None if full else previous_run(store, scorer)
    scored = engine.score(scorer, clock, chunk_size=chunk_size, prior_shift=mode, previous=previous)
    return publish_scored(
        store=store,
        clock=clock,
        table=scored.table,
        features=scored.features,
        prior_shift=scored.prior_shift,
        calibrated=scored.calibrated,
        scorer=scorer,
        run_key=run_key,
        snapshot_path=inputs.location,
        store_url=store_url,
        out=out,
        chunk_size=chunk_size,
        reasons_reused=scored.reasons_reused,
        scores_reused=scored.scores_reused,
    )
