"""Cases opened by the nightly run and by hand, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from risk.cases.assignment import claim_next
from risk.cases.errors import CaseNotFoundError
from risk.cases.opening import open_case_by_hand, sync_run_cases
from risk.cases.reading import CaseQuery, get_case, list_cases
from risk.errors import StoreConflictError
from risk.store.audit import list_audit, verify_audit_chain
from tests.risk.conftest import RunWriter

SLA = {"critical": 24.0, "high": 72.0, "medium": 168.0}


def world(bands: dict[str, list[str]]) -> pd.DataFrame:
    """Scores of networks given as {network: [band of each member]} (ranks by score)."""
    value = {"critical": 0.95, "high": 0.8, "medium": 0.5, "low": 0.1}
    rows = [
        {"account_id": f"{network}-a{i}", "network_id": network, "band": band}
        for network, members in bands.items()
        for i, band in enumerate(members)
    ]
    frame = pd.DataFrame(rows)
    frame["score"] = frame["band"].map(value) - frame.index * 1e-4
    frame = frame.sort_values("score", ascending=False, ignore_index=True)
    frame["rank"] = range(1, len(frame) + 1)
    frame["region"] = "浙江"
    frame["tier"] = 1
    for column in ("reasons", "indicators", "features", "percentiles"):
        frame[column] = None
    return frame


def test_a_run_opens_one_case_per_flagged_network(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    run = publish_scores(
        world(
            {
                "net-a": ["critical", "high", "medium", "low"],
                "net-b": ["high", "medium"],
                "net-c": ["medium", "low"],  # not flagged: no case
            }
        )
    )
    synced = sync_run_cases(store_engine, run_id=run, sla_hours=SLA)
    assert len(synced.opened) == 2 and synced.updated == []
    page = list_cases(store_engine, CaseQuery())
    by_unit = {case.unit_id: case for case in page.items}
    assert set(by_unit) == {"net-a", "net-b"}
    assert by_unit["net-a"].priority == "critical" and by_unit["net-b"].priority == "high"
    assert by_unit["net-a"].accounts == 3  # medium and up; the low member is not in the case
    assert by_unit["net-a"].state == "open" and by_unit["net-a"].opened_by == "nightly-run"
    hours = (by_unit["net-a"].due_at - by_unit["net-a"].opened_at).total_seconds() / 3600
    assert hours == pytest.approx(24.0)
    assert [case.unit_id for case in page.items] == ["net-a", "net-b"]  # critical first
    again = sync_run_cases(store_engine, run_id=run, sla_hours=SLA)
    assert again.opened == [] and again.updated == [] and again.accounts_added == 0
    detail = get_case(store_engine, by_unit["net-a"].id)
    assert [event.kind for event in detail.events] == ["opened"]
    # besides the run's own seal (run.publish), only the cases opened
    assert {entry.action for entry in list_audit(store_engine)} == {"run.publish", "case.opened"}
    assert verify_audit_chain(store_engine).ok


def test_a_later_run_adds_accounts_and_raises_the_priority(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    first = publish_scores(world({"net-a": ["high", "medium"]}))
    case_id = sync_run_cases(store_engine, run_id=first, sla_hours=SLA).opened[0]
    due_before = get_case(store_engine, case_id).case.due_at
    second = publish_scores(world({"net-a": ["critical", "high", "high"]}))
    synced = sync_run_cases(store_engine, run_id=second, sla_hours=SLA)
    assert synced.opened == [] and synced.updated == [case_id] and synced.accounts_added == 1
    detail = get_case(store_engine, case_id)
    assert detail.case.priority == "critical" and detail.case.run_id == second
    assert detail.case.due_at < due_before  # the critical SLA is shorter
    assert {a.account_id for a in detail.accounts} == {"net-a-a0", "net-a-a1", "net-a-a2"}
    updated = detail.events[-1]
    assert updated.kind == "updated" and updated.details is not None
    assert updated.details["priority_was"] == "high"
    # A later run with a lower band never lowers the priority.
    third = publish_scores(world({"net-a": ["high", "medium", "medium"]}))
    assert sync_run_cases(store_engine, run_id=third, sla_hours=SLA).updated == []
    assert get_case(store_engine, case_id).case.priority == "critical"


def test_history_is_append_only(store_engine: Engine, publish_scores: RunWriter) -> None:
    run = publish_scores(world({"net-a": ["high"]}))
    sync_run_cases(store_engine, run_id=run, sla_hours=SLA)
    for statement in ("UPDATE case_events SET actor = 'x'", "DELETE FROM case_events"):
        with pytest.raises(Exception, match="append-only"), store_engine.begin() as connection:
            connection.execute(text(statement))


def test_a_moderator_opens_a_case_from_an_account(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    publish_scores(world({"net-a": ["medium", "medium", "low"], "net-b": ["high"]}))
    case_id = open_case_by_hand(
        store_engine, account_id="net-a-a2", unit_kind="network", actor="mod-ann", sla_hours=SLA
    )
    detail = get_case(store_engine, case_id)
    assert detail.case.opened_by == "mod-ann" and detail.case.priority == "medium"
    assert {a.account_id for a in detail.accounts} == {"net-a-a0", "net-a-a1", "net-a-a2"}
    with pytest.raises(StoreConflictError, match=f"already has open case {case_id}"):
        open_case_by_hand(
            store_engine, account_id="net-a-a0", unit_kind="network", actor="x", sla_hours=SLA
        )
    branch = open_case_by_hand(
        store_engine, account_id="net-a-a0", unit_kind="branch", actor="mod-ann", sla_hours=SLA
    )
    assert get_case(store_engine, branch).case.unit_kind == "branch"
    with pytest.raises(CaseNotFoundError, match="no score"):
        open_case_by_hand(
            store_engine, account_id="nobody", unit_kind="network", actor="x", sla_hours=SLA
        )
    # The nightly run finds the network's open case and adds to it rather than opening another.
    synced = sync_run_cases(store_engine, run_id=None, sla_hours=SLA)
    assert case_id not in synced.opened and len(synced.opened) == 1  # net-b only


def test_filters(store_engine: Engine, publish_scores: RunWriter) -> None:
    run = publish_scores(world({"net-a": ["critical", "medium"], "net-b": ["high"]}))
    sync_run_cases(store_engine, run_id=run, sla_hours=SLA)
    assert list_cases(store_engine, CaseQuery(priority="high")).total == 1
    assert list_cases(store_engine, CaseQuery(band="medium")).items[0].unit_id == "net-a"
    assert list_cases(store_engine, CaseQuery(state="in_review")).total == 0
    assert list_cases(store_engine, CaseQuery(region="浙江")).total == 2
    assert list_cases(store_engine, CaseQuery(overdue=True)).total == 0
    assert list_cases(store_engine, CaseQuery(overdue=False, limit=1)).total == 2


def _branchy(network: str) -> tuple[pd.DataFrame, pd.Series]:
    """A network whose root (a0) and second branch (a2) look clean while the branch headed
    by a1 holds every flagged account: a1 (high), a3 (critical) and a4 (low), a1's downline."""
    frame = world({network: ["low", "high", "low", "critical", "low"]})
    heads = {"a0": "a0", "a1": "a1", "a2": "a2", "a3": "a1", "a4": "a1"}
    return frame, pd.Series({f"{network}-{k}": f"{network}-{v}" for k, v in heads.items()})


def test_a_run_opens_a_branch_case_when_one_branch_holds_the_flagged_accounts(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    frame, heads = _branchy("net-a")
    spread = world({"net-b": ["high", "low", "critical"]})  # flagged in two branches
    spread_heads = pd.Series({"net-b-a0": "net-b-a0", "net-b-a1": "net-b-a1",
                              "net-b-a2": "net-b-a2"})  # fmt: skip
    run = publish_scores(pd.concat([frame, spread], ignore_index=True))
    synced = sync_run_cases(
        store_engine, run_id=run, sla_hours=SLA, branch_head=pd.concat([heads, spread_heads])
    )
    assert len(synced.opened) == 2
    by_unit = {(c.unit_kind, c.unit_id): c for c in list_cases(store_engine, CaseQuery()).items}
    assert set(by_unit) == {("branch", "net-a-a1"), ("network", "net-b")}
    branch = get_case(store_engine, by_unit[("branch", "net-a-a1")].id)
    # The whole branch, organizer and downline, every band; nothing of the clean branches.
    assert {a.account_id for a in branch.accounts} == {"net-a-a1", "net-a-a3", "net-a-a4"}
    assert branch.case.priority == "critical" and branch.case.network_id == "net-a"
    again = sync_run_cases(store_engine, run_id=run, sla_hours=SLA, branch_head=heads)
    assert again.opened == [] and again.updated == []  # one open case per unit
    # A later run whose flagged accounts spread beyond the branch judges the network.
    later = world({"net-a": ["low", "high", "high", "critical", "low"]})
    synced = sync_run_cases(
        store_engine, run_id=publish_scores(later), sla_hours=SLA, branch_head=heads
    )
    kinds = {get_case(store_engine, i).case.unit_kind for i in synced.opened}
    assert kinds == {"network"}


def test_a_network_case_absorbs_the_branch_case_when_the_scheme_spreads(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    """Night 1 judges the branch; night 2 the scheme has spread, a network case opens over the
    same accounts and closes the branch case with a reference (audited); the moderator who was
    reviewing the branch gets the network case. One open case for these people, not two."""
    frame, heads = _branchy("net-a")
    sync_run_cases(store_engine, run_id=publish_scores(frame), sla_hours=SLA, branch_head=heads)
    (branch,) = list_cases(store_engine, CaseQuery()).items
    assert branch.unit_kind == "branch"
    claim_next(store_engine, actor="mod-ann")  # reviewing the branch
    spread = world({"net-a": ["low", "high", "high", "critical", "low"]})
    synced = sync_run_cases(
        store_engine, run_id=publish_scores(spread), sla_hours=SLA, branch_head=heads
    )
    (network_id,) = synced.opened
    network = get_case(store_engine, network_id)
    assert network.case.unit_kind == "network"
    closed = get_case(store_engine, branch.id)
    assert closed.case.state == "closed" and closed.case.closed_at is not None
    absorbed = [e for e in closed.events if e.kind == "absorb"]
    assert [(e.details, e.to_state, e.actor) for e in absorbed] == [
        ({"absorbed_into": network_id}, "closed", "nightly-run")
    ]
    assert any(
        e.kind == "absorbed"
        and e.details == {"absorbed_case": branch.id, "unit_id": "net-a-a1", "accounts_added": 1}
        for e in network.events
    )
    # the branch's accounts (its low-band a4 too) are in the network case, now the only open one
    assert {a.account_id for a in closed.accounts} <= {a.account_id for a in network.accounts}
    open_cases = list_cases(store_engine, CaseQuery()).items
    assert [c.id for c in open_cases if c.state != "closed"] == [network_id]
    assert network.case.assignee == "mod-ann" and network.case.state == "in_review"
    audit = [(e.action, e.target) for e in list_audit(store_engine, limit=1000)]
    assert ("case.absorb", f"case:{branch.id}") in audit
    assert ("case.absorbed", f"case:{network_id}") in audit
    assert verify_audit_chain(store_engine).ok


def test_a_branch_case_past_review_is_left_to_stand(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    """Only open and in-review branch cases are absorbed: a decided one keeps its actions and
    is closed as any decided case; the step refuses every other state."""
    from risk.cases.history import STEPS

    assert STEPS["absorb"][0] == ("open", "in_review")
    frame, heads = _branchy("net-a")
    sync_run_cases(store_engine, run_id=publish_scores(frame), sla_hours=SLA, branch_head=heads)
    (branch,) = list_cases(store_engine, CaseQuery()).items
    with store_engine.begin() as connection:  # as if a decision had been applied
        connection.execute(
            text("UPDATE cases SET state = 'decided' WHERE id = :i"), {"i": branch.id}
        )
    spread = world({"net-a": ["low", "high", "high", "critical", "low"]})
    sync_run_cases(store_engine, run_id=publish_scores(spread), sla_hours=SLA, branch_head=heads)
    assert get_case(store_engine, branch.id).case.state == "decided"


def test_a_branch_case_opened_by_hand_holds_the_downline(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    frame, _ = _branchy("net-a")
    publish_scores(frame)
    case_id = open_case_by_hand(
        store_engine,
        account_id="net-a-a1",
        unit_kind="branch",
        actor="mod-ann",
        sla_hours=SLA,
        downline=frozenset({"net-a-a3", "net-a-a4"}),
    )
    detail = get_case(store_engine, case_id)
    assert {a.account_id for a in detail.accounts} == {"net-a-a1", "net-a-a3", "net-a-a4"}
    assert detail.case.priority == "critical"  # the downline's top band


def test_the_service_reads_branches_and_downlines_from_the_runs_snapshot(
    store_engine: Engine, store_url: str, publish_scores: RunWriter, tmp_path: Path
) -> None:
    """The nightly sync and a moderator's branch case find the branch in the snapshot the run
    scored (the store keeps no sponsor links)."""
    from risk.service.cases import open_case, sync_cases_after_run
    from risk.settings import Settings

    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    sponsors = {"a0": "", "a1": "a0", "a2": "a0", "a3": "a1", "a4": "a3"}
    (snapshot / "accounts.csv").write_text(
        "account_id,sponsor_id,joined_at\n"
        + "".join(
            f"net-a-{k},{'net-a-' + v if v else ''},2026-01-0{i + 1}\n"
            for i, (k, v) in enumerate(sponsors.items())
        ),
        encoding="utf-8",
    )
    (snapshot / "orders.csv").write_text(
        "order_id,seller_id,buyer_id,created_at,amount\no1,net-a-a1,c1,2026-01-09,10\n",
        encoding="utf-8",
    )
    frame, _ = _branchy("net-a")
    publish_scores(frame, snapshot_path=str(snapshot))
    settings = Settings.model_validate({"home": str(tmp_path), "database_url": store_url})
    synced = sync_cases_after_run(engine=store_engine, settings=settings, run_id=None)
    (case_id,) = synced.opened
    detail = get_case(store_engine, case_id)
    assert (detail.case.unit_kind, detail.case.unit_id) == ("branch", "net-a-a1")
    assert {a.account_id for a in detail.accounts} == {"net-a-a1", "net-a-a3", "net-a-a4"}
    by_hand = open_case(
        engine=store_engine, settings=settings, account_id="net-a-a3", unit_kind="branch",
        actor="mod-ann",
    )  # fmt: skip
    assert {a.account_id for a in by_hand.accounts} == {"net-a-a3", "net-a-a4"}
