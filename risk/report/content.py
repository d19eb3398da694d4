"""One ``ReportContent``: everything a report shows, assembled from the store, MLflow and the
registries. Ordering is deterministic; ``generated_at`` is the only field that varies by time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from risk.indicators.registry import ALL_RULES
from risk.report.errors import (
    ReportInputError,
    ReportRunNotFoundError,
    ReportRunNotPublishedError,
)
from risk.report.i18n import BAND_NAMES, DECISION_NAMES, GLOSSARY, METHODOLOGY
from risk.store.records import DecisionRecord, RunRecord
from risk.store.retention_tallies import SCORE_CELLS, DroppedRows, score_cells
from risk.store.runs import get_run, latest_published_run
from risk.vocab import DECISIONS, FLAGGED_BANDS, Lang

REPORT_FORMAT = "mlm-risk-audit-report/1"
NETWORKS_IN_CHART = 4
HISTOGRAM_BINS = 20  # each bin is SCORE_CELLS // HISTOGRAM_BINS whole score cells


# Days a report period may name: decisions exist from the service's start; the last day + 1
# must still be a date.
PERIOD_FIRST_DAY = date(2000, 1, 1)
PERIOD_LAST_DAY = date(9998, 12, 31)


@dataclass(frozen=True)
class Period:
    """Decisions from ``start`` (inclusive) to ``end`` (inclusive day), UTC; None is open."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        for name, day in (("--from", self.start), ("--to", self.end)):
            if day is not None and not PERIOD_FIRST_DAY <= day <= PERIOD_LAST_DAY:
                raise ReportInputError(
                    f"{name} {day} is outside {PERIOD_FIRST_DAY} to {PERIOD_LAST_DAY}"
                )
        if self.start and self.end and self.end < self.start:
            raise ReportInputError(f"--to {self.end} is before --from {self.start}")

    @property
    def since(self) -> datetime | None:
        return None if self.start is None else datetime.combine(self.start, time(), UTC)

    @property
    def until(self) -> datetime | None:
        end = None if self.end is None else self.end + timedelta(days=1)
        return None if end is None else datetime.combine(end, time(), UTC)

    def to_dict(self) -> dict[str, str | None]:
        return {
            "from": None if self.start is None else self.start.isoformat(),
            "to": None if self.end is None else self.end.isoformat(),
        }


@dataclass(frozen=True)
class ReportContent:
    """The whole report as JSON-safe sections (what every renderer reads)."""

    meta: dict[str, Any]
    summary: dict[str, Any]
    model_card: dict[str, Any]
    cases: list[dict[str, Any]]
    charts: dict[str, Any]
    appendix: dict[str, Any]
    # Case work (issue 17): DSA Art. 15 figures and the actions' statements (case_work.json).
    case_work: dict[str, Any] | None = None
    # Champion vs challenger (issue 16): shadow comparison and promotions (risk.report.champion).
    champion: dict[str, Any] | None = None

    @property
    def lang(self) -> Lang:
        lang: Lang = self.meta["lang"]
        return lang

    def to_dict(self) -> dict[str, Any]:
        """The report JSON document (validated by ``schemas/report.schema.json``)."""
        return {
            "format": REPORT_FORMAT,
            "meta": self.meta,
            "summary": self.summary,
            "model_card": self.model_card,
            "case_register": self.cases,
            "charts": self.charts,
            "appendix": self.appendix,
        }


def resolve_run(engine: Engine, run_id: str) -> RunRecord:
    """The published run asked for ("latest" = the newest published run)."""
    run = latest_published_run(engine) if run_id == "latest" else get_run(engine, run_id)
    if run is None:
        raise ReportRunNotFoundError(
            "no published scoring run yet" if run_id == "latest" else f"no scoring run {run_id!r}"
        )
    if run.status != "published":
        raise ReportRunNotPublishedError(f"scoring run {run.id} is {run.status}, not published")
    return run


def _hours(values: Sequence[float], q: float) -> float | None:
    return None if not values else round(float(np.quantile(values, q)), 2)


def decision_summary(
    engine: Engine, decisions: Sequence[DecisionRecord], pending: int, lang: Lang
) -> list[dict[str, Any]]:
    """Per decision kind: count and hours from the shown run's publication to the decision."""
    published = {}
    for run_id in sorted({d.run_id for d in decisions}):
        run = get_run(engine, run_id)
        published[run_id] = None if run is None else run.published_at
    rows = []
    for kind in DECISIONS:
        hours = [
            (d.created_at - published[d.run_id]).total_seconds() / 3600  # type: ignore[operator]
            for d in decisions
            if d.decision == kind and published.get(d.run_id) is not None
        ]
        count = sum(d.decision == kind for d in decisions)
        rows.append(
            {
                "decision": kind,
                "label": DECISION_NAMES[kind][lang],
                "count": count,
                "median_hours": _hours(hours, 0.5),
                "p90_hours": _hours(hours, 0.9),
            }
        )
    rows.append(
        {
            "decision": "pending",
            "label": DECISION_NAMES["pending"][lang],
            "count": pending,
            "median_hours": None,
            "p90_hours": None,
        }
    )
    return rows


def indicator_summary(
    counts: Mapping[str, int], lang: Lang, flagged_hits: Mapping[str, int] | None = None
) -> list[dict[str, Any]]:
    """Every rule in report order with the accounts that met it in this run (zero included)
    and how many of them lie outside the flagged bands (not in the review queue's flagged
    work, not in the register unless decided): ``accounts`` less the hits of flagged accounts."""
    rows = []
    for rule in ALL_RULES:
        accounts = int(counts.get(rule.rule_id, 0))
        inside = int((flagged_hits or {}).get(rule.rule_id, 0))
        rows.append(
            {
                "rule_id": rule.rule_id,
                "jurisdiction": rule.jurisdiction,
                "title": rule.title_zh if lang == "zh" else rule.title_en,
                "citation": rule.citation,
                "accounts": accounts,
                "outside_flagged": max(0, accounts - inside),
            }
        )
    return rows


def flagged_indicator_hits(frame: pd.DataFrame) -> dict[str, int]:
    """Per rule, the accounts of the flagged bands that met it (a run keeps their rows)."""
    hits: dict[str, int] = {}
    flagged = frame.loc[frame["band"].isin(FLAGGED_BANDS), "indicators"]
    for items in flagged:
        for rule_id in {str(i.get("rule_id")) for i in items or [] if isinstance(i, Mapping)}:
            hits[rule_id] = hits.get(rule_id, 0) + 1
    return hits


def _network_table(frame: pd.DataFrame, dropped: DroppedRows) -> pd.DataFrame:
    """Accounts (and flagged ones) per network and tier: the run's rows plus pruned tallies."""
    rows = pd.DataFrame(
        {
            "network_id": frame["network_id"],
            "tier": frame["tier"],
            "accounts": 1,
            "flagged": frame["band"].isin(FLAGGED_BANDS).astype("int64"),
        }
    )
    pruned = pd.DataFrame(
        [(net, tier, n, 0) for (net, tier), n in dropped.network_tiers.items()],
        columns=list(rows.columns),
    )
    return pd.concat([rows, pruned], ignore_index=True) if len(pruned) else rows


def _network_scores(frame: pd.DataFrame) -> pd.Series:
    """The run's network score per network (the scheme as a unit, ``risk.scoring.table``);
    0 for a run stored before network scores were."""
    if "network_score" not in frame.columns:
        return pd.Series(dtype="float64")
    return frame.groupby("network_id")["network_score"].max().fillna(0.0).astype("float64")


def _network_tiers(frame: pd.DataFrame, dropped: DroppedRows) -> list[dict[str, Any]]:
    """The riskiest flagged networks, by network score (then flagged and all accounts):
    accounts and flagged accounts per tier, and the network score."""
    table = _network_table(frame, dropped)
    totals = table.groupby("network_id")[["accounts", "flagged"]].sum()
    totals["network_score"] = _network_scores(frame).reindex(totals.index).fillna(0.0)
    flagged = totals[totals["flagged"] > 0].reset_index()
    order = flagged.sort_values(
        ["network_score", "flagged", "accounts", "network_id"],
        ascending=[False, False, False, True],
    )
    chosen = order["network_id"].head(NETWORKS_IN_CHART).tolist()
    tiers = (
        table[table["network_id"].isin(chosen)]
        .groupby(["network_id", "tier"])[["accounts", "flagged"]]
        .sum()
    )
    return [
        {
            "network_id": str(network),
            "accounts": int(totals.loc[network, "accounts"]),
            "flagged": int(totals.loc[network, "flagged"]),
            "network_score": round(float(totals.loc[network, "network_score"]), 4),
            "tiers": [
                {"tier": int(t), "accounts": int(r["accounts"]), "flagged": int(r["flagged"])}
                for (_, t), r in tiers.loc[[network]].iterrows()
            ],
        }
        for network in chosen
    ]


def _score_histogram(frame: pd.DataFrame, dropped: DroppedRows) -> dict[str, list[Any]]:
    """Accounts per score bin, counted in whole score cells (pruned rows' cells added)."""
    cells = np.bincount(score_cells(frame["score"].to_numpy()), minlength=SCORE_CELLS)
    for cell, accounts in dropped.score_cells.items():
        cells[cell] += accounts
    counts = cells.reshape(HISTOGRAM_BINS, -1).sum(axis=1)
    edges = np.linspace(0, 1, HISTOGRAM_BINS + 1)
    return {"edges": [round(float(e), 2) for e in edges], "counts": [int(c) for c in counts]}


def chart_data(
    frame: pd.DataFrame,
    bands: Mapping[str, int],
    importance: Mapping[str, float],
    dropped: DroppedRows,
) -> dict[str, Any]:
    """The numbers behind each chart (so machines get them too)."""
    top = sorted(importance.items(), key=lambda item: (-float(item[1]), item[0]))[:12]
    return {
        "bands": {band: int(bands.get(band, 0)) for band in BAND_NAMES},
        "score_histogram": _score_histogram(frame, dropped),
        "top_features": [{"feature": n, "mean_abs_shap": round(float(v), 5)} for n, v in top],
        "networks": _network_tiers(frame, dropped),
    }


def appendix(lang: Lang) -> dict[str, Any]:
    """Methodology, the citation table of every rule, the bilingual glossary."""
    return {
        "methodology": METHODOLOGY[lang],
        "citations": [
            {
                "rule_id": rule.rule_id,
                "jurisdiction": rule.jurisdiction,
                "citation": rule.citation,
                "title_en": rule.title_en,
                "title_zh": rule.title_zh,
            }
            for rule in ALL_RULES
        ],
        "glossary": GLOSSARY,
    }
