"""The engines of a scoring run and the publishing steps they share after scoring.

``local`` is ``risk.scoring.run_scoring`` (one process, pandas); ``spark`` is
``risk.scoring_spark.run_scoring_spark`` (features and scoring on a cluster). Both end in
``publish_scored``, which mirrors the tail of ``run_scoring`` step for step (drift, counts, the
store rows in rank order with the score file streamed beside them, one-transaction publish).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from risk.scoring import ScoringSummary, masked_url
from risk.scoring_progress import StageClock

Engine = Literal["local", "spark"]
ENGINES: tuple[str, ...] = ("local", "spark")


def run_with_engine(engine: str, *, spark_master: str | None = None, **run: Any) -> ScoringSummary:
    """Run the scoring with ``engine``; the keyword arguments are ``run_scoring``'s."""
    if engine == "spark":
        from risk.scoring_spark import run_scoring_spark

        return run_scoring_spark(spark_master=spark_master, **run)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    from risk.scoring import run_scoring

    return run_scoring(**run)


def publish_scored(
    *,
    engine: Any,
    clock: StageClock,
    table: pd.DataFrame,
    features: pd.DataFrame,
    scorer: Any,
    run_key: dict[str, Any],
    snapshot_path: str,
    store_url: str,
    out: Path | None,
    chunk_size: int,
) -> ScoringSummary:
    """Drift, counts, store rows, score table and the one-transaction publish (as locally)."""
    from risk.scoring_model import drift, key_features, registry_feature_names
    from risk.scoring_output import ScoreTableWriter
    from risk.scoring_stages import numeric_feature_columns, write_in_chunks
    from risk.scoring_table import (
        band_counts,
        indicator_counts,
        networks_flagged,
        population_percentiles,
    )
    from risk.store.runs import begin_run, fail_run, publish_run

    model_version = f"{scorer.name}/{scorer.version}"
    with clock.stage("drift"):
        model_input = features[list(scorer.feature_names)]
        drift_found = drift(model_input, table["score"], scorer)
        percentiles = population_percentiles(model_input, key_features(scorer))
        stored = features[numeric_feature_columns(features, registry_feature_names())]
    counts = {
        "bands": band_counts(table["band"]),
        "networks_flagged": networks_flagged(table["network_id"], table["band"]),
        "indicators": indicator_counts(table["indicators"]),
    }
    run_id = begin_run(engine, model_run_id=scorer.run_id, snapshot_path=snapshot_path, **run_key)
    score_file = None if out is None else ScoreTableWriter(out, model_version, run_key["as_of"])
    try:
        with clock.stage("write", total=len(table)):
            written = write_in_chunks(
                engine, run_id, table, stored, percentiles, clock,
                stage="write", chunk_size=chunk_size, score_file=score_file,
            )  # fmt: skip
            if score_file is not None:
                score_file.close()
        publish_run(
            engine, run_id, accounts_scored=written, counts=counts,
            timings=dict(clock.seconds), drift=drift_found,
        )  # fmt: skip
    except BaseException as error:
        if score_file is not None:
            score_file.discard()
        with contextlib.suppress(Exception):
            fail_run(engine, run_id, f"{type(error).__name__}: {error}")
        raise
    if score_file is not None:
        score_file.commit()
    return ScoringSummary(
        run_id=run_id,
        already_published=False,
        as_of=run_key["as_of"],
        model_version=model_version,
        accounts_scored=written,
        counts=counts,
        timings=dict(clock.seconds),
        drift=drift_found,
        store=masked_url(store_url),
        out=out,
        peak_memory_mb=dict(clock.peak_mb),
        cpu_seconds=dict(clock.cpu_seconds),
    )
