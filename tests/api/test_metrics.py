"""What an operator scrapes from /metrics: the process, the loaded model, the published run,
the queue, decisions and audit appends (read from the store at each scrape), latency buckets
that reach report builds."""

from __future__ import annotations

import re
from collections.abc import Iterable

import httpx
import pytest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families

from api.metrics import Metrics
from risk.store.db import open_store
from risk.store.scores import review_queue
from risk.vocab import FLAGGED_BANDS
from tests.api.conftest import Keys, bearer
from tests.api.world import World


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(text: str, name: str, **labels: str) -> float:
    return _samples(text)[(name, tuple(sorted(labels.items())))]


def test_process_and_model_metrics(http: httpx.Client) -> None:
    text = http.get("/metrics").text
    for name in ("process_resident_memory_bytes", "process_start_time_seconds"):
        assert _value(text, name) > 0
    assert "process_cpu_seconds_total" in text and "python_info" in text
    assert _value(text, "risk_model_loaded", model_version="mlm-risk/1") == 1


def test_published_run_matches_the_runs_endpoint(http: httpx.Client, keys: Keys) -> None:
    run = next(
        r
        for r in http.get("/v1/runs", headers=bearer(keys.admin)).json()
        if r["status"] == "published"
    )
    text = http.get("/metrics").text
    samples = _samples(text)
    (info,) = [labels for (name, labels), _ in samples.items() if name == "risk_published_run_info"]
    assert dict(info)["run_id"] == run["id"] and dict(info)["model_version"] == "mlm-risk/1"
    per_band = [v for (name, _), v in samples.items() if name == "risk_published_run_accounts"]
    assert len(per_band) == 4 and sum(per_band) == run["accounts_scored"]
    assert 0 <= _value(text, "risk_published_run_age_seconds") < 24 * 3600


def test_queue_depth_and_decisions_are_the_stores(http: httpx.Client, world: World) -> None:
    text = http.get("/metrics").text
    engine = open_store(world.store_url)
    try:
        pending = review_queue(engine, bands=list(FLAGGED_BANDS), limit=1).total
    finally:
        engine.dispose()
    assert _value(text, "risk_queue_depth") == pending
    decided = [v for (name, _), v in _samples(text).items() if name == "risk_decisions_total"]
    assert all(v >= 0 for v in decided)


def test_an_audited_view_is_one_more_audit_append(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    before = _value(http.get("/metrics").text, "risk_audit_appends_total")
    viewed = http.get(f"/v1/accounts/{targets['account']}", headers=bearer(keys.moderator))
    assert viewed.status_code == 200
    assert _value(http.get("/metrics").text, "risk_audit_appends_total") == before + 1


def test_latency_buckets_reach_report_builds(http: httpx.Client) -> None:
    http.get("/health")
    text = http.get("/metrics").text
    buckets = {
        float(b) for b in re.findall(r'risk_api_request_seconds_bucket\{[^}]*le="([\d.]+)"', text)
    }
    assert {30.0, 60.0} <= buckets


def test_a_failing_source_is_counted_and_the_rest_still_scraped() -> None:
    metrics = Metrics()

    def broken() -> Iterable[Metric]:
        raise ConnectionError("store down")

    def fine() -> Iterable[Metric]:
        yield GaugeMetricFamily("risk_example", "An example gauge.", value=7)

    metrics.add_source(broken)
    metrics.add_source(fine)
    text = metrics.exposition()[0].decode()
    assert _value(text, "risk_example") == 7
    assert _value(text, "risk_metrics_source_up", source="broken") == 0
    assert _value(text, "risk_metrics_source_up", source="fine") == 1


@pytest.mark.parametrize("status", [503])
def test_server_errors_are_counted_by_class(status: int) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(load_model=False)

    @app.get("/boom")
    def boom() -> None:
        from risk.errors import StoreError

        raise StoreError("the store did not answer")

    metrics = app.state.metrics
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/boom").status_code == status
    text = metrics.exposition()[0].decode()
    assert _value(text, "risk_api_errors_total", error="StoreError") == 1
