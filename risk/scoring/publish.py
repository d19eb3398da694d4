"""The end of a scoring run, shared by every engine: a re-run of a published run, or drift,
counts, the store rows (score file streamed beside them) and the one-transaction publish.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Engine

from features.utc import utc
from risk.errors import StoreConflictError
from risk.scoring.model import drift, percentile_features, registry_feature_names
from risk.scoring.progress import StageClock
from risk.scoring.score_file import ScoreTableWriter
from risk.scoring.stages import numeric_feature_columns, write_in_chunks
from risk.scoring.table import (
    band_counts,
    indicator_counts,
    networks_flagged,
    population_percentiles,
)
from risk.store.db import masked_url
from risk.store.run_values import remove_values, values_path, write_run_values
from risk.store.runs import (
    ROWS_PER_TRANSACTION,
    begin_run,
    fail_run,
    find_published_run,
    publish_run,
)
from risk.store.scores import scores_frame

if TYPE_CHECKING:
    from models.scorer import RiskScorer
    from risk.store.records import RunRecord


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
    reasons_reused: int = 0  # accounts whose reasons the previous run held (risk.scoring.reuse)
    scores_reused: int = 0  # accounts whose calibrated score it held

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
            "reasons_reused": self.reasons_reused,
            "scores_reused": self.scores_reused,
            "drift": self.drift,
            "store": self.store,
            "out": str(self.out) if self.out else None,
        }


def summary_of_record(record: RunRecord, store_url: str, out: Path | None) -> ScoringSummary:
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


def export_existing(store: Engine, record: RunRecord, out: Path) -> None:
    """Write the score table of an already published run (re-run asked for ``--out``)."""
    if record.pruned:
        raise StoreConflictError(f"run {record.id} was pruned: its score table is no longer whole")

    frame = scores_frame(store, record.id).set_index("account_id")
    model_version = f"{record.model_name}/{record.model_version}"
    score_file = ScoreTableWriter(out, model_version, utc(pd.Timestamp(record.as_of)))
    try:
        score_file.write(frame.sort_values("rank"))
        score_file.close()
    except BaseException:
        score_file.discard()
        raise
    score_file.commit()


def run_key_of(fingerprint: str, as_of: pd.Timestamp, scorer: RiskScorer) -> dict[str, Any]:
    """What makes two runs the same run: data fingerprint, as_of and model version."""
    return dict(
        data_fingerprint=fingerprint,
        as_of=as_of,
        model_name=scorer.name,
        model_version=str(scorer.version),
    )


def already_published(
    store: Engine, run_key: dict[str, Any], store_url: str, out: Path | None, prior_shift: str
) -> ScoringSummary | None:
    """The summary of the published run with this key (re-exporting ``out``), if there is one.
    A run published with another prior-shift mode is refused, not returned: its bands are not
    the ones asked for, and the key allows one published run."""
    existing = find_published_run(store, **run_key)
    if existing is None:
        return None
    published_mode = ((existing.drift or {}).get("prior_shift") or {}).get("mode")
    if published_mode is not None and published_mode != prior_shift:
        raise StoreConflictError(
            f"run {existing.id} already published this snapshot, as_of and model with prior"
            f" shift {published_mode!r}, not {prior_shift!r}: score it with"
            f" --prior-shift {published_mode}, or with another model version"
        )
    if out is not None:
        export_existing(store, existing, out)
    return summary_of_record(existing, store_url, out)


def publish_scored(
    *,
    store: Engine,
    clock: StageClock,
    table: pd.DataFrame,
    features: pd.DataFrame,
    scorer: RiskScorer,
    run_key: dict[str, Any],
    snapshot_path: str,
    store_url: str,
    out: Path | None,
    chunk_size: int,
    prior_shift: dict[str, Any] | None = None,
    calibrated: pd.Series | None = None,
    reasons_reused: int = 0,
    scores_reused: int = 0,
) -> ScoringSummary:
    """Drift, counts, store rows, score table and the one-transaction publish. The drift record
    holds what the prior-shift correction did; the score's PSI is of the score as calibrated in
    training (what the training reference describes; ``scorer`` is the run's, unadjusted)."""
    model_version = f"{scorer.name}/{scorer.version}"
    with clock.stage("drift"):
        model_input = features[list(scorer.feature_names)]
        scores = table["score"] if calibrated is None else calibrated
        if calibrated is None and prior_shift and prior_shift.get("applied"):
            # an engine that kept no calibrated scores (Spark): predict them again here
            scores = pd.Series(scorer.predict_proba(model_input), index=model_input.index)
        drift_found = drift(model_input, scores, scorer)
        if prior_shift is not None:
            drift_found["prior_shift"] = prior_shift
        stored = features[numeric_feature_columns(features, registry_feature_names())]
        percentiles = population_percentiles(stored, percentile_features(scorer))
    counts = {
        "bands": band_counts(table["band"]),
        "networks_flagged": networks_flagged(table["network_id"], table["band"]),
        "indicators": indicator_counts(table["indicators"]),
    }
    run_id = begin_run(store, model_run_id=scorer.run_id, snapshot_path=snapshot_path, **run_key)
    score_file = None if out is None else ScoreTableWriter(out, model_version, run_key["as_of"])
    values_file = values_path(store, run_id)
    try:
        with clock.stage("write", total=len(table)):
            write_run_values(values_file, table.index.astype(str), stored, percentiles)
            written = write_in_chunks(
                store, run_id, table, clock,
                stage="write", chunk_size=max(chunk_size, ROWS_PER_TRANSACTION),
                score_file=score_file,
            )  # fmt: skip
            if score_file is not None:
                score_file.close()
        # The digest re-reads every row (seconds at 1M): a stage of its own in the summary; the
        # run record's timings, written in this transaction, end with the write stage.
        with clock.stage("publish"):
            publish_run(
                store, run_id, accounts_scored=written, counts=counts,
                timings=dict(clock.seconds), drift=drift_found, values_file=values_file,
            )  # fmt: skip
    except BaseException as error:
        remove_values(values_file)
        if score_file is not None:
            score_file.discard()
        with contextlib.suppress(Exception):
            fail_run(store, run_id, f"{type(error).__name__}: {error}")
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
        reasons_reused=reasons_reused,
        scores_reused=scores_reused,
    )
