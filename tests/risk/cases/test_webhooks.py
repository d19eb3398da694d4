"""Webhooks against a real local HTTP receiver, on SQLite and PostgreSQL: signature, retries
with backoff, the delivery log, and a dead endpoint that never blocks a decision."""

from __future__ import annotations

import time

from sqlalchemy import Engine, func, select

from risk.cases.assignment import claim_next
from risk.cases.decisions import Outcome, Proposal, propose
from risk.cases.opening import sync_run_cases
from risk.cases.webhooks import backoff, deliver_due, list_deliveries, revoke, subscribe
from risk.store.schema import attempts_table
from tests.api.conftest import free_port
from tests.risk.cases.http_world import publish_networks
from tests.risk.cases.receiver import receiver
from tests.risk.cases.test_cases_open import SLA
from tests.risk.conftest import RunWriter

FAST = {"max_attempts": 4, "backoff_seconds": 0.05, "timeout_seconds": 2.0}


def _drain(engine: Engine, seconds: float = 5.0) -> None:
    """Run the sender until nothing is pending (or ``seconds`` pass)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        deliver_due(engine, **FAST)
        deliveries = list_deliveries(engine, subscription_id=1, limit=100)
        if all(d.status != "pending" for d in deliveries):
            return
        time.sleep(0.05)


def test_signed_deliveries_retried_with_backoff(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    with receiver([500, 503]) as endpoint:
        secret, sub = subscribe(
            store_engine, url=endpoint.url, events=["case.opened"], actor="admin-cy"
        )
        assert secret.startswith("whsec_") and sub.id == 1
        publish_networks(publish_scores, 1)
        case_id = sync_run_cases(store_engine, run_id=None, sla_hours=SLA).opened[0]
        _drain(store_engine)
    (delivery,) = list_deliveries(store_engine, subscription_id=sub.id, limit=10)
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert delivery.last_status_code == 200 and delivery.last_error is None
    assert len(endpoint.received) == 3  # two failures, then the success
    last = endpoint.received[-1]
    assert last.signed_by(secret) and not last.signed_by("whsec_" + "A" * 44)
    assert last.headers["webhook-event"] == "case.opened"
    assert abs(int(last.headers["webhook-timestamp"]) - time.time()) < 30
    assert last.json["type"] == "case.opened" and last.json["data"]["case"]["id"] == case_id
    with store_engine.connect() as connection:
        logged = connection.execute(
            select(attempts_table.c.status_code).order_by(attempts_table.c.id)
        ).scalars()
        assert list(logged) == [500, 503, 200]


def test_backoff_doubles_up_to_a_cap() -> None:
    assert [backoff(n, 30).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(30, 30).total_seconds() == 6 * 3600


def test_a_dead_endpoint_never_blocks_a_decision(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/nobody-listens"
    subscribe(store_engine, url=dead, events=["case.decided"], actor="admin-cy")
    publish_networks(publish_scores, 1)
    sync_run_cases(store_engine, run_id=None, sla_hours=SLA)
    claimed = claim_next(store_engine, actor="mod-ann")
    assert claimed is not None
    outcomes = [Outcome(f"{claimed.unit_id}-a{i}", "confirm", "warn") for i in range(3)]
    started = time.perf_counter()
    made = propose(
        store_engine,
        case_id=claimed.id,
        actor="mod-ann",
        proposal=Proposal(outcomes, None, "terms", "Terms 4.2", "Paid recruiting."),
    )
    assert made.status == "approved" and time.perf_counter() - started < 5
    _drain(store_engine)
    (delivery,) = list_deliveries(store_engine, subscription_id=1, limit=10)
    assert delivery.status == "failed" and delivery.attempts == FAST["max_attempts"]
    assert delivery.last_status_code is None and "ConnectError" in (delivery.last_error or "")
    with store_engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(attempts_table)).scalar()
    assert count == FAST["max_attempts"]


def test_revoked_subscriptions_get_nothing(store_engine: Engine, publish_scores: RunWriter) -> None:
    with receiver() as endpoint:
        _, sub = subscribe(store_engine, url=endpoint.url, events=["case.opened"], actor="a")
        revoke(store_engine, subscription_id=sub.id)
        publish_networks(publish_scores, 2)
        sync_run_cases(store_engine, run_id=None, sla_hours=SLA)
        deliver_due(store_engine, **FAST)
    assert endpoint.received == []
    assert list_deliveries(store_engine, subscription_id=sub.id, limit=10) == []
