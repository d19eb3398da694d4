"""The nightly scoring run: validate -> features -> scores -> bands -> reasons -> indicators
-> drift -> store, published in one transaction at the end (all or nothing).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from risk.scoring_model import (
    drift,
    indicators,
    key_features,
    load_model,
    reasons_fn,
    registry_feature_names,
    score_accounts,
    utc,
)
from risk.scoring_output import ScoreTableWriter
from risk.scoring_progress import NullProgress, ProgressReporter, StageClock
from risk.scoring_stages import explain_in_chunks, numeric_feature_columns, write_in_chunks
from risk.scoring_table import (
    band_counts,
    indicator_counts,
    networks_flagged,
    population_percentiles,
)


@dataclass(frozen=True)
class ScoringSummary:
    """What a run did: its id, counts per band, networks flagged, drift, time per stage."""

    run_id: str
    already_published: bool
    as_of: pd.Timestamp
    model_version: str
    accounts_scored: int
    counts: dict[str, Any]
    timings: dict[str, float]
    drift: dict[str, Any]
    store: str
    out: Path | None = None
    peak_memory_mb: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (the CLI's ``--json`` output)."""
        return {
            "status": "already_published" if self.already_published else "published",
            "run_id": self.run_id,
            "as_of": self.as_of.isoformat(),
            "model_version": self.model_version,
            "accounts_scored": self.accounts_scored,
            "counts": self.counts,
            "timings": self.timings,
            "cpu_seconds": self.cpu_seconds,
            "peak_memory_mb": self.peak_memory_mb,
            "drift": self.drift,
            "store": self.store,
            "out": str(self.out) if self.out else None,
        }


def masked_url(url: str) -> str:
    """The store URL without its password (printed in summaries and logs)."""
    return make_url(url).render_as_string(hide_password=True)


def _summary_of_record(record: Any, store_url: str, out: Path | None) -> ScoringSummary:
    """Summary of a run already in the store (idempotent re-run)."""
    return ScoringSummary(
        run_id=record.id,
        already_published=True,
        as_of=utc(pd.Timestamp(record.as_of)),
        model_version=f"{record.model_name}/{record.model_version}",
        accounts_scored=int(record.accounts_scored or 0),
        counts=dict(record.counts or {}),
        timings=dict(record.timings or {}),
        drift=dict(record.drift or {}),
        store=masked_url(store_url),
        out=out,
    )


def _export_existing(engine: Engine, record: Any, out: Path) -> None:
    """Write the score table of an already published run (re-run asked for ``--out``)."""
    from risk.store.scores import scores_frame

    frame = scores_frame(engine, record.id).set_index("account_id")
    model_version = f"{record.model_name}/{record.model_version}"
    score_file = ScoreTableWriter(out, model_version, utc(pd.Timestamp(record.as_of)))
    try:
        score_file.write(frame.sort_values("rank"))
        score_file.close()
    except BaseException:
        score_file.discard()
        raise
    score_file.commit()


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
    from risk.store.runs import begin_run, fail_run, find_published_run, publish_run

    clock = StageClock(progress or NullProgress())
    # Everything that can refuse the input runs before the store is touched.
    with clock.stage("validate"):
        snapshot = read_valid_snapshot(snapshot_dir)
        as_of = snapshot.latest_event_time() if as_of is None else utc(as_of)
        fingerprint = snapshot_fingerprint(snapshot, as_of)
    with clock.stage("load model"):
        scorer = load_model(model_ref, tracking_uri)
    model_version = f"{scorer.name}/{scorer.version}"
    engine = open_store(store_url)
    run_key = dict(
        data_fingerprint=fingerprint,
        as_of=as_of,
        model_name=scorer.name,
        model_version=str(scorer.version),
    )
    existing = find_published_run(engine, **run_key)
    if existing is not None:
        if out is not None:
            _export_existing(engine, existing, out)
        return _summary_of_record(existing, store_url, out)

    with clock.stage("features"):
        features = build_features(snapshot, as_of)
        region = snapshot.accounts.set_index("account_id")["region"]
        del snapshot
    table, model_input = score_accounts(features, region, scorer, clock, as_of)
    with clock.stage(
        "reasons", total=int(table["band"].isin(("medium", "high", "critical")).sum())
    ):
        table["reasons"] = explain_in_chunks(
            model_input,
            table["band"],
            reasons_fn(scorer),
            clock,
            stage="reasons",
            chunk_size=chunk_size,
        )
    with clock.stage("indicators"):
        table["indicators"] = indicators(features)
    with clock.stage("drift"):
        drift_found = drift(model_input, table["score"], scorer)
        percentiles = population_percentiles(model_input, key_features(scorer))
        stored = features[numeric_feature_columns(features, registry_feature_names())]
    del model_input
    counts = {
        "bands": band_counts(table["band"]),
        "networks_flagged": networks_flagged(table["network_id"], table["band"]),
        "indicators": indicator_counts(table["indicators"]),
    }
    run_id = begin_run(
        engine, model_run_id=scorer.run_id, snapshot_path=str(snapshot_dir), **run_key
    )
    score_file = None if out is None else ScoreTableWriter(out, model_version, as_of)
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
        as_of=as_of,
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
