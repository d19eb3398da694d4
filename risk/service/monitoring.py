"""Monitoring from decisions: per scoring run and per week, the precision of each band among
the accounts moderators decided (share confirmed), the dismiss rate, the precision of the
exploration sample, the time from flag to decision and drift (PSI) beside them, with an alert
when a band's precision falls below its target.

A decision counts for the run it was made on (the band it showed) and for the ISO week it was
made in; an account decided twice in one run or week counts once, by its newest decision.
Each band's precision among decided accounts is what the queue's top says: the surest
accounts. Beside it, ``estimated_precision`` is the band's precision over all its accounts, the
queue's bias undone with the exploration picks (a stratified Horvitz-Thompson ratio: a queue
decision weighs 1, its stratum decided whole; a pick weighs 1 / its inclusion probability,
standing for the undecided accounts like it; docs/feedback.md), and ``effective_decided``
(Kish: (sum w)^2 / sum w^2) says how many decisions that estimate is worth: a few picks of
weight hundreds make it noisy, so the alert stays on the decided accounts' precision.
The time from flag to decision runs from the run's publication (the account appeared in the
queue) to the decision, never below zero (imported decisions may predate a re-published run).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from models.inclusion import decision_weights
from risk.settings import Settings
from risk.store.exploration import decision_facts
from risk.store.monitoring import StoreFigures as StoreFigures  # the API renders it
from risk.store.monitoring import store_figures
from risk.store.runs import list_runs
from risk.vocab import BAND_NAMES

# Below this many decided accounts a band's precision is too noisy to alert on.
MIN_DECIDED_FOR_ALERT = 10


@dataclass(frozen=True)
class BandFigures:
    decided: int
    confirmed: int
    precision: float | None
    target: float | None
    below_target: bool
    explored: int  # decided exploration picks among ``decided``
    estimated_precision: float | None  # over the whole band: picks weighted by 1 / pi
    effective_decided: float  # what the estimate is worth, in unweighted decisions


@dataclass(frozen=True)
class PeriodFigures:
    """One run's or one week's figures."""

    key: str  # run id, or the week's Monday (YYYY-MM-DD)
    start: str  # the run's as_of, or the week's Monday
    decisions: int
    dismiss_rate: float | None
    bands: dict[str, BandFigures]
    exploration_decided: int
    exploration_precision: float | None
    median_hours_to_decision: float | None
    score_psi: float | None
    drift_warnings: int


@dataclass(frozen=True)
class Alert:
    scope: str  # run | week
    key: str
    band: str
    precision: float
    target: float
    decided: int


@dataclass(frozen=True)
class Monitoring:
    targets: dict[str, float]
    runs: list[PeriodFigures] = field(default_factory=list)
    weeks: list[PeriodFigures] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _share(mask: pd.Series) -> float | None:
    return None if mask.empty else float(mask.mean())


def _bands(group: pd.DataFrame, targets: dict[str, float]) -> dict[str, BandFigures]:
    labelled = group[group["decision"].isin(["confirm", "dismiss"])]
    out: dict[str, BandFigures] = {}
    for band in BAND_NAMES:
        inside = labelled[labelled["band"] == band]
        confirmed = int((inside["decision"] == "confirm").sum())
        precision = confirmed / len(inside) if len(inside) else None
        target = targets.get(band)
        below = (
            precision is not None
            and target is not None
            and len(inside) >= MIN_DECIDED_FOR_ALERT
            and precision < target
        )
        weights = decision_weights(inside["inclusion_probability"])
        hits = (inside["decision"] == "confirm").to_numpy()
        estimate = float(weights[hits].sum() / weights.sum()) if len(inside) else None
        effective = float(weights.sum() ** 2 / (weights**2).sum()) if len(inside) else 0.0
        out[band] = BandFigures(
            decided=len(inside),
            confirmed=confirmed,
            precision=precision,
            target=target,
            below_target=bool(below),
            explored=int(inside["inclusion_probability"].notna().sum()),
            estimated_precision=estimate,
            effective_decided=effective,
        )
    return out


def period_figures(
    group: pd.DataFrame, *, key: str, start: str, targets: dict[str, float], drift: dict[str, Any]
) -> PeriodFigures:
    """The figures of one run's or one week's decisions (newest per account)."""
    newest = group.drop_duplicates("account_id", keep="last")
    explored = newest[newest["inclusion_probability"].notna()]
    explored = explored[explored["decision"].isin(["confirm", "dismiss"])]
    waited = (
        pd.to_datetime(newest["decided_at"], utc=True)
        - pd.to_datetime(newest["published_at"], utc=True)
    ).dt.total_seconds().clip(lower=0) / 3600
    return PeriodFigures(
        key=key,
        start=start,
        decisions=len(newest),
        dismiss_rate=_share(newest["decision"] == "dismiss"),
        bands=_bands(newest, targets),
        exploration_decided=len(explored),
        exploration_precision=_share(explored["decision"] == "confirm"),
        median_hours_to_decision=None
        if waited.dropna().empty
        else float(np.median(waited.dropna())),
        score_psi=drift.get("score_psi"),
        drift_warnings=len(drift.get("warnings") or []),
    )


def _alerts(scope: str, periods: list[PeriodFigures]) -> list[Alert]:
    return [
        Alert(scope, p.key, band, float(f.precision), float(f.target), f.decided)  # type: ignore[arg-type]
        for p in periods
        for band, f in p.bands.items()
        if f.below_target
    ]


def monitoring(
    *, engine: Engine, settings: Settings, runs: int = 30, weeks: int = 12
) -> Monitoring:
    """Figures for the newest ``runs`` runs and ``weeks`` weeks that have decisions."""
    targets: dict[str, float] = dict(zip(BAND_NAMES[1:], settings.band_precisions, strict=True))
    facts = decision_facts(engine)
    recent = {run.id: run for run in list_runs(engine, limit=max(runs, 1) * 4)}
    by_run = []
    for run_id, group in facts.groupby("run_id", sort=False):
        run = recent.get(str(run_id))
        drift = dict(run.drift or {}) if run is not None else {}
        start = group["as_of"].iloc[0]
        by_run.append(
            period_figures(
                group,
                key=str(run_id),
                start=pd.Timestamp(start).isoformat(),
                targets=targets,
                drift=drift,
            )
        )
    by_run = sorted(by_run, key=lambda p: p.start, reverse=True)[:runs]
    week_of = (
        pd.to_datetime(facts["decided_at"], utc=True).dt.tz_localize(None).dt.to_period("W-SUN")
    )
    by_week = []
    for week, group in facts.groupby(week_of, sort=True):
        monday = week.start_time.date().isoformat()
        psis = [
            float(recent[r].drift["score_psi"])  # type: ignore[index]
            for r in group["run_id"].unique()
            if r in recent and recent[r].drift and recent[r].drift.get("score_psi") is not None  # type: ignore[union-attr]
        ]
        drift = {"score_psi": max(psis) if psis else None, "warnings": []}
        by_week.append(
            period_figures(group, key=monday, start=monday, targets=targets, drift=drift)
        )
    by_week = sorted(by_week, key=lambda p: p.key, reverse=True)[:weeks]
    return Monitoring(
        targets=targets,
        runs=by_run,
        weeks=by_week,
        alerts=_alerts("run", by_run) + _alerts("week", by_week),
    )


def monitoring_figures(*, engine: Engine) -> StoreFigures:
    """For Prometheus: the published run, queue depth, decisions by outcome and audit
    entries, read now."""
    return store_figures(engine)
