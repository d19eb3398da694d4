"""Monitoring from decisions: figures per run and per week checked against hand counts, the
alert when a band falls below its target, the Prometheus gauges and the console page."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from risk.service.exploration import ExplorationPlan
from risk.service.monitoring import monitoring
from risk.service.queue import day_picks
from risk.settings import Settings
from risk.store.decisions import record_decision
from risk.store.keys import create_key
from tests.api.conftest import start_server
from tests.console_forms import console_sign_in
from tests.risk.conftest import RunWriter, make_scores


def _decide(engine: Engine, accounts: list[str], decisions: list[str]) -> None:
    for account, decision in zip(accounts, decisions, strict=True):
        record_decision(engine, account_id=account, decision=decision, note=None, reviewer="m")


def test_figures_match_hand_counts_and_alert_below_target(
    store_engine: Engine, store_url: str, publish_scores: RunWriter, tmp_path: Path
) -> None:
    scores = make_scores(400, seed=9)
    run_id = publish_scores(scores)
    by_band = {
        b: scores.loc[scores["band"] == b, "account_id"].tolist() for b in scores["band"].unique()
    }
    critical, high, medium = by_band["critical"], by_band["high"], by_band["medium"]
    # critical: 12 decided, 10 confirmed (0.833 < target 0.95: alert)
    _decide(store_engine, critical[:12], ["confirm"] * 10 + ["dismiss"] * 2)
    # high: 10 decided, 9 confirmed (0.9 >= 0.8); the 10th was first confirmed, then dismissed
    _decide(store_engine, high[:10], ["confirm"] * 10)
    _decide(store_engine, [high[9]], ["dismiss"])
    # medium: 5 decided, 1 confirmed (0.2 < 0.5, but fewer than 10 decided: no alert)
    _decide(store_engine, medium[:5], ["confirm", "dismiss", "dismiss", "dismiss", "dismiss"])
    _decide(store_engine, [medium[5]], ["escalate"])  # a decision, not a label
    plan = ExplorationPlan(capacity=100, share=0.05, seed=1)
    drawn = day_picks(engine=store_engine, run_id=run_id, plan=plan)
    picks = drawn["account_id"].tolist()
    pick_pi = dict(zip(picks, drawn["inclusion_probability"], strict=True))
    _decide(store_engine, picks, ["confirm", "dismiss", "dismiss", "confirm", "dismiss"])
    # no report built in the background: it creates an MLflow database (alembic, whose context
    # is process-global) while the next parameter's store migrates (seen: a PostgreSQL store
    # "migrated" on SQLite's connection, no such table case_proposals)
    settings = Settings.model_validate(
        {"home": str(tmp_path), "database_url": store_url, "warm_reports": False}
    )
    figures = monitoring(engine=store_engine, settings=settings)
    [run] = figures.runs
    [week] = figures.weeks
    for period in (run, week):
        pick_bands = scores.set_index("account_id").loc[picks, "band"]
        expected = {
            "critical": (12 + int((pick_bands == "critical").sum()), 10),
            "high": (10 + int((pick_bands == "high").sum()), 9),
            "medium": (5 + int((pick_bands == "medium").sum()), 1),
        }
        confirmed_picks = dict(zip(picks, [1, 0, 0, 1, 0], strict=True))
        queue_decided = {"critical": (12, 10), "high": (10, 9), "medium": (5, 1)}
        for band, (decided, confirmed) in expected.items():
            confirmed += sum(v for p, v in confirmed_picks.items() if pick_bands[p] == band)
            assert (period.bands[band].decided, period.bands[band].confirmed) == (
                decided,
                confirmed,
            )
            # the whole band's precision: a queue decision weighs 1, a pick 1 / pi
            in_band = [p for p in picks if pick_bands[p] == band]
            weights = [1 / pick_pi[p] for p in in_band]
            hits = [1 / pick_pi[p] for p in in_band if confirmed_picks[p]]
            queue, queue_confirmed = queue_decided[band]
            estimate = (queue_confirmed + sum(hits)) / (queue + sum(weights))
            figures_of = period.bands[band]
            assert figures_of.explored == len(in_band)
            assert figures_of.estimated_precision == pytest.approx(estimate)
            worth = (queue + sum(weights)) ** 2 / (queue + sum(w * w for w in weights))
            assert figures_of.effective_decided == pytest.approx(worth)
            if not in_band:
                assert figures_of.estimated_precision == pytest.approx(figures_of.precision)
        assert period.decisions == 12 + 10 + 5 + 1 + 5
        dismissed = 2 + 1 + 4 + 3
        assert period.dismiss_rate == pytest.approx(dismissed / period.decisions)
        assert (period.exploration_decided, period.exploration_precision) == (5, pytest.approx(0.4))
        assert period.median_hours_to_decision is not None
        assert 0 <= period.median_hours_to_decision < 1
    assert run.key == run_id
    alerts = {(a.scope, a.band) for a in figures.alerts}
    assert ("run", "critical") in alerts and ("week", "critical") in alerts
    assert not {band for _, band in alerts} & {"high"}
    assert ("run", "medium") not in alerts or run.bands["medium"].decided >= 10

    # the same figures as Prometheus gauges and on the console page (both languages)
    key, _ = create_key(store_engine, role="regulator", name="reg-monitor")
    server = start_server(settings, load_model=False)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            exposition = client.get("/metrics").text
            api = client.get("/v1/monitoring", headers={"Authorization": f"Bearer {key}"}).json()
            console_sign_in(client, key)
            english = client.get("/console/monitoring", params={"lang": "en"}).text
            chinese = client.get("/console/monitoring", params={"lang": "zh"}).text
    finally:
        server.stop()
    precision = run.bands["critical"].confirmed / run.bands["critical"].decided
    assert f'risk_band_precision{{band="critical"}} {precision}' in exposition
    assert 'risk_band_precision_below_target{band="critical"} 1.0' in exposition
    assert 'risk_band_precision_below_target{band="high"} 0.0' in exposition
    assert "risk_exploration_precision 0.4" in exposition
    for band, f in run.bands.items():
        if f.estimated_precision is not None:
            line = f'risk_band_precision_estimated{{band="{band}"}} {f.estimated_precision}'
            assert line in exposition
    assert api["runs"][0]["bands"]["critical"]["decided"] == run.bands["critical"].decided
    assert len(api["alerts"]) == len(figures.alerts)
    assert 'data-alert="run-critical"' in english and "below its target 95 %" in english
    if any(run.bands[band].explored for band in figures.targets):
        assert "whole band ≈" in english and "全等级估计 ≈" in chinese
    assert "低于目标 95 %" in chinese and 'id="precision-chart"' in chinese
