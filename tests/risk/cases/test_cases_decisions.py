"""One decision per case with an outcome per account, four eyes, actions, appeals and their
labels, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from risk.cases.appeals import decide_appeal, file_appeal
from risk.cases.assignment import claim_next, close
from risk.cases.decisions import Outcome, Proposal, approve, propose, reject
from risk.cases.errors import CaseStateError, FourEyesError
from risk.cases.opening import sync_run_cases
from risk.cases.reading import get_case
from risk.errors import StoreInputError
from risk.service.decisions import labels_from_decisions
from risk.store.audit import list_audit, verify_audit_chain
from risk.store.decisions import list_decisions
from tests.risk.cases.http_world import publish_networks
from tests.risk.cases.test_cases_open import SLA
from tests.risk.conftest import RunWriter

GROUND = "Regulations on Prohibition of Pyramid Selling, Art. 7(1)"


def _claimed(store_engine: Engine, publish_scores: RunWriter) -> int:
    """One network (organizer a0, recruiter a1, participant a2), claimed by mod-ann."""
    publish_networks(publish_scores, 1)
    sync_run_cases(store_engine, run_id=None, sla_hours=SLA)
    claimed = claim_next(store_engine, actor="mod-ann")
    assert claimed is not None
    return claimed.id


def _proposal(organizer: str | None, participant: str | None = None, **extra: object) -> Proposal:
    values: dict[str, object] = {
        "outcomes": [
            Outcome("net-00-a0", "confirm", organizer),
            Outcome("net-00-a1", "confirm", None),
            Outcome("net-00-a2", "dismiss" if participant is None else "confirm", participant),
        ],
        "network_action": None,
        "ground_kind": "illegal",
        "legal_ground": GROUND,
        "statement": "Recruitment fees paid up three tiers; no consumer sales.",
    }
    return Proposal(**{**values, **extra})  # type: ignore[arg-type]


def test_a_warning_takes_effect_at_once(store_engine: Engine, publish_scores: RunWriter) -> None:
    case_id = _claimed(store_engine, publish_scores)
    made = propose(store_engine, case_id=case_id, actor="mod-ann", proposal=_proposal("warn"))
    assert made.status == "approved" and not made.needs_approval
    detail = get_case(store_engine, case_id)
    assert detail.case.state == "decided" and detail.case.decided_at is not None
    assert [(a.account_id, a.action, a.approved_by) for a in detail.actions] == [
        ("net-00-a0", "warn", None)
    ]
    decisions = {d.account_id: d.decision for d in list_decisions(store_engine)}
    assert decisions == {"net-00-a0": "confirm", "net-00-a1": "confirm", "net-00-a2": "dismiss"}
    recorded = [e for e in list_audit(store_engine) if e.action == "decision.record"]
    assert len(recorded) == 3 and all(
        e.details and e.details["case_id"] == case_id for e in recorded
    )
    assert verify_audit_chain(store_engine).ok


def test_four_eyes_on_an_organizer_and_on_a_network(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    case_id = _claimed(store_engine, publish_scores)
    made = propose(store_engine, case_id=case_id, actor="mod-ann", proposal=_proposal("terminate"))
    assert made.needs_approval and made.status == "pending"
    assert get_case(store_engine, case_id).case.state == "awaiting_approval"
    assert list_decisions(store_engine) == []  # nothing takes effect before approval
    with pytest.raises(FourEyesError, match="four eyes"):
        approve(store_engine, proposal_id=made.id, actor="mod-ann", note=None)
    rejected = reject(store_engine, proposal_id=made.id, actor="lead-eve", note="too harsh")
    assert rejected.status == "rejected" and rejected.reviewed_by == "lead-eve"
    assert get_case(store_engine, case_id).case.state == "in_review"
    network_wide = _proposal("warn", network_action="restrict_recruiting")
    second = propose(store_engine, case_id=case_id, actor="mod-ann", proposal=network_wide)
    assert second.needs_approval  # any network-wide action
    approved = approve(store_engine, proposal_id=second.id, actor="lead-eve", note="agreed")
    assert approved.status == "approved"
    with pytest.raises(CaseStateError, match="already approved"):
        approve(store_engine, proposal_id=second.id, actor="lead-fay", note=None)
    actions = get_case(store_engine, case_id).actions
    assert {(a.scope, a.action, a.approved_by) for a in actions} == {
        ("account", "warn", "lead-eve"),
        ("network", "restrict_recruiting", "lead-eve"),
    }


def test_a_participant_may_be_suspended_without_approval(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    case_id = _claimed(store_engine, publish_scores)
    made = propose(
        store_engine, case_id=case_id, actor="mod-ann", proposal=_proposal("warn", "suspend")
    )
    assert not made.needs_approval


def test_bad_proposals_are_refused_naming_the_account(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    case_id = _claimed(store_engine, publish_scores)
    partial = _proposal("warn")
    missing = Proposal(partial.outcomes[:2], None, "illegal", GROUND, "x")
    with pytest.raises(StoreInputError, match="without an outcome: net-00-a2"):
        propose(store_engine, case_id=case_id, actor="mod-ann", proposal=missing)
    dismissed_but_acted = _proposal("warn", outcomes=[Outcome("net-00-a0", "dismiss", "warn")])
    with pytest.raises(StoreInputError, match=r"outcomes\[0\] \(net-00-a0\).*confirm"):
        propose(store_engine, case_id=case_id, actor="mod-ann", proposal=dismissed_but_acted)
    with pytest.raises(StoreInputError, match="statement must not be empty"):
        propose(
            store_engine,
            case_id=case_id,
            actor="mod-ann",
            proposal=_proposal("warn", statement=" "),
        )
    with pytest.raises(CaseStateError, match="assigned to mod-ann"):
        propose(store_engine, case_id=case_id, actor="mod-dee", proposal=_proposal("warn"))
    assert get_case(store_engine, case_id).proposals == []


def test_appeal_overturned_reverses_the_action_and_relabels(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    case_id = _claimed(store_engine, publish_scores)
    made = propose(store_engine, case_id=case_id, actor="mod-ann", proposal=_proposal("suspend"))
    approve(store_engine, proposal_id=made.id, actor="lead-eve", note=None)
    (action,) = get_case(store_engine, case_id).actions
    appeal = file_appeal(
        store_engine,
        action_id=action.id,
        actor="mod-dee",
        grounds="I sell to consumers.",
        window_days=183,
    )
    assert get_case(store_engine, case_id).case.state == "appealed"
    with pytest.raises(CaseStateError, match="already has an appeal waiting"):
        file_appeal(store_engine, action_id=action.id, actor="x", grounds="again", window_days=183)
    for judge in ("mod-ann", "lead-eve"):  # the decider and the approver may not judge it
        with pytest.raises(FourEyesError):
            decide_appeal(
                store_engine, appeal_id=appeal.id, actor=judge, outcome="overturn", reasons="r"
            )
    decided = decide_appeal(
        store_engine, appeal_id=appeal.id, actor="lead-fay", outcome="overturn", reasons="Receipts."
    )
    assert decided.outcome == "overturn" and decided.decided_by == "lead-fay"
    detail = get_case(store_engine, case_id)
    assert detail.case.state == "re_decided" and detail.actions[0].reversed
    labels = labels_from_decisions(engine=store_engine).set_index("account_id")["label"]
    assert labels["net-00-a0"] == 0  # the overturn's dismissal is the newest decision
    assert close(store_engine, case_id=case_id, actor="mod-ann", is_lead=False).state == "closed"
    with pytest.raises(CaseStateError, match="already overturned"):
        file_appeal(store_engine, action_id=action.id, actor="x", grounds="g", window_days=183)


def test_appeal_window(store_engine: Engine, publish_scores: RunWriter) -> None:
    case_id = _claimed(store_engine, publish_scores)
    propose(store_engine, case_id=case_id, actor="mod-ann", proposal=_proposal("warn"))
    (action,) = get_case(store_engine, case_id).actions
    # Actions are append-only: age this one the way time would, past the triggers.
    old = action.taken_at - timedelta(days=200)
    with store_engine.begin() as connection:
        if store_engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            connection.execute(text("DROP TRIGGER enforcement_actions_no_update"))
        connection.execute(
            text("UPDATE enforcement_actions SET taken_at = :old WHERE id = :id"),
            {
                "old": old
                if store_engine.dialect.name == "postgresql"
                else old.replace(tzinfo=None),
                "id": action.id,
            },
        )
    with pytest.raises(StoreInputError, match=r"appeal window of action \d+ closed"):
        file_appeal(store_engine, action_id=action.id, actor="x", grounds="late", window_days=183)
    assert file_appeal(store_engine, action_id=action.id, actor="x", grounds="ok", window_days=365)
