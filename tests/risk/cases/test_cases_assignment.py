"""Claim next, release, reassign and the SLA order, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from risk.cases.assignment import claim_next, reassign, release
from risk.cases.errors import CaseNotFoundError, CaseStateError
from risk.cases.opening import sync_run_cases
from risk.cases.reading import CaseQuery, get_case, list_cases
from tests.risk.cases.test_cases_open import SLA, world
from tests.risk.conftest import RunWriter


def _cases(store_engine: Engine, publish_scores: RunWriter, count: int) -> list[int]:
    run = publish_scores(world({f"net-{i:02d}": ["high"] for i in range(count)}))
    return sync_run_cases(store_engine, run_id=run, sla_hours=SLA).opened


def test_claim_gives_the_most_urgent_case_and_overdue_cases_rise(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    run = publish_scores(world({"net-crit": ["critical"], "net-high": ["high"]}))
    # High cases are due at once here: overdue, the high case comes before the critical one.
    sync_run_cases(store_engine, run_id=run, sla_hours={**SLA, "high": 1e-9})
    first = claim_next(store_engine, actor="mod-ann")
    assert first is not None and first.unit_id == "net-high" and first.overdue
    assert first.state == "in_review" and first.assignee == "mod-ann"
    second = claim_next(store_engine, actor="mod-dee")
    assert second is not None and second.unit_id == "net-crit" and not second.overdue
    assert claim_next(store_engine, actor="mod-ann") is None
    assert list_cases(store_engine, CaseQuery(overdue=True)).items[0].id == first.id
    mine = list_cases(store_engine, CaseQuery(assignee="mod-ann"))
    assert [case.id for case in mine.items] == [first.id]


def test_concurrent_claims_never_share_a_case(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    opened = _cases(store_engine, publish_scores, 6)
    with ThreadPoolExecutor(max_workers=8) as pool:
        claimed = list(pool.map(lambda i: claim_next(store_engine, actor=f"m{i}"), range(8)))
    got = [case.id for case in claimed if case is not None]
    assert sorted(got) == sorted(opened)  # each case once, and two callers got nothing
    assert claimed.count(None) == 2
    for case in claimed:
        if case is not None:
            events = get_case(store_engine, case.id).events
            assert [e.kind for e in events] == ["opened", "claim"]
            assert events[-1].actor == case.assignee


def test_release_and_reassign(store_engine: Engine, publish_scores: RunWriter) -> None:
    (case_id,) = _cases(store_engine, publish_scores, 1)
    with pytest.raises(CaseStateError, match="cannot release"):
        release(store_engine, case_id=case_id, actor="mod-ann", is_lead=False)
    claim_next(store_engine, actor="mod-ann")
    with pytest.raises(CaseStateError, match="assigned to mod-ann"):
        release(store_engine, case_id=case_id, actor="mod-dee", is_lead=False)
    released = release(store_engine, case_id=case_id, actor="mod-ann", is_lead=False)
    assert released.state == "open" and released.assignee is None
    moved = reassign(store_engine, case_id=case_id, actor="lead-eve", assignee="mod-dee")
    assert moved.state == "in_review" and moved.assignee == "mod-dee"
    assert release(store_engine, case_id=case_id, actor="lead-eve", is_lead=True).state == "open"
    kinds = [(e.kind, e.actor) for e in get_case(store_engine, case_id).events]
    assert kinds == [
        ("opened", "nightly-run"),
        ("claim", "mod-ann"),
        ("release", "mod-ann"),
        ("reassign", "lead-eve"),
        ("release", "lead-eve"),
    ]
    with pytest.raises(CaseNotFoundError):
        reassign(store_engine, case_id=999, actor="lead-eve", assignee="x")


def test_a_case_shows_its_due_time_age_and_breach_by_its_priority(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    """SLA per priority: the due time follows the configured hours, the age grows from the
    opening, and a case waiting past its due time is a breach (overdue)."""
    from sqlalchemy import select, update

    from risk.store.schema import cases_table

    run = publish_scores(world({"net-crit": ["critical"], "net-high": ["high"]}))
    sync_run_cases(store_engine, run_id=run, sla_hours=SLA)
    back, c = timedelta(hours=30), cases_table.c
    with store_engine.begin() as connection:  # both opened 30 hours ago
        for row in connection.execute(select(c.id, c.opened_at, c.due_at)).all():
            connection.execute(
                update(cases_table)
                .where(c.id == row.id)
                .values(opened_at=row.opened_at - back, due_at=row.due_at - back)
            )
    by_unit = {c.unit_id: c for c in list_cases(store_engine, CaseQuery()).items}
    critical, high = by_unit["net-crit"], by_unit["net-high"]
    assert critical.due_at - critical.opened_at == timedelta(hours=SLA["critical"])
    assert high.due_at - high.opened_at == timedelta(hours=SLA["high"])
    assert 30 <= critical.age_hours < 31 and 30 <= high.age_hours < 31
    assert critical.overdue and not high.overdue  # 24 h for critical, 72 h for high
    assert [c.unit_id for c in list_cases(store_engine, CaseQuery(overdue=True)).items] == [
        "net-crit"
    ]
