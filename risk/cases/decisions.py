"""One decision for a case: an outcome per account (its decision, maybe an enforcement action),
maybe a network-wide action, with the legal ground and the statement of reasons.

Four eyes: a proposal with any action beyond a warning on an organizer or recruiter (or an
account whose likely role is unknown), or any network-wide action, waits for a lead other than
the proposer. Applying a proposal writes, in one transaction, each account's decision row and
audit entry, the action rows, and the case's move to ``decided``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from risk.cases.errors import CaseNotFoundError, CaseStateError, FourEyesError
from risk.cases.events import case_decided
from risk.cases.history import check_step, locked_case, move_case
from risk.cases.qa import sample_in
from risk.cases.records import ProposalRecord
from risk.errors import StoreInputError
from risk.store.db import write_transaction
from risk.store.decisions import NewDecision, insert_decision_in, insert_decisions_in
from risk.store.schema import (
    actions_table,
    case_accounts_table,
    case_proposals_table,
)
from risk.store.types import utcnow
from risk.vocab import (
    ACTIONABLE_ROLES,
    DECISIONS,
    ENFORCEMENT_ACTIONS,
    GROUND_KINDS,
    SINGLE_EYE_ACTIONS,
)

MAX_TEXT_CHARS = 4_000
_p, _a = case_proposals_table.c, case_accounts_table.c


@dataclass(frozen=True)
class Outcome:
    """What the case decides for one account: confirm/dismiss/escalate, and maybe an action."""

    account_id: str
    decision: str
    action: str | None = None


@dataclass(frozen=True)
class Proposal:
    """A moderator's decision for the whole case, as submitted."""

    outcomes: Sequence[Outcome]
    network_action: str | None
    ground_kind: str
    legal_ground: str
    statement: str


def _check_text(name: str, value: str) -> None:
    if not value.strip():
        raise StoreInputError(f"{name} must not be empty")
    if len(value) > MAX_TEXT_CHARS:
        raise StoreInputError(f"{name} has {len(value)} characters; at most {MAX_TEXT_CHARS}")


def _check_outcome(outcome: Outcome, index: int) -> None:
    where = f"outcomes[{index}] ({outcome.account_id})"
    if outcome.decision not in DECISIONS:
        raise StoreInputError(f"{where}: unknown decision {outcome.decision!r}")
    if outcome.action is not None and outcome.action not in ENFORCEMENT_ACTIONS:
        raise StoreInputError(f"{where}: unknown action {outcome.action!r}")
    if outcome.action is not None and outcome.decision != "confirm":
        raise StoreInputError(f"{where}: an action needs the decision confirm")


def check_proposal(proposal: Proposal, roles: dict[str, str | None]) -> None:
    """Refuse a proposal that does not give every account of the case exactly one outcome."""
    _check_text("legal_ground", proposal.legal_ground)
    _check_text("statement", proposal.statement)
    if proposal.ground_kind not in GROUND_KINDS:
        raise StoreInputError(f"ground_kind must be one of {', '.join(GROUND_KINDS)}")
    if proposal.network_action not in (None, *ENFORCEMENT_ACTIONS):
        raise StoreInputError(f"unknown network_action {proposal.network_action!r}")
    for index, outcome in enumerate(proposal.outcomes):
        _check_outcome(outcome, index)
    given = [outcome.account_id for outcome in proposal.outcomes]
    unknown = sorted(set(given) - roles.keys())
    missing = sorted(roles.keys() - set(given))
    twice = sorted({a for a in given if given.count(a) > 1})
    for problem, ids in (("not in the case", unknown), ("without an outcome", missing)):
        if ids:
            raise StoreInputError(f"accounts {problem}: {', '.join(ids[:10])}")
    if twice:
        raise StoreInputError(f"accounts with two outcomes: {', '.join(twice[:10])}")


def needs_four_eyes(proposal: Proposal, roles: dict[str, str | None]) -> bool:
    """True for a network-wide action, or an action beyond a warning on an organizer or
    recruiter (or on an account whose role is unknown: no guess lowers the bar)."""
    if proposal.network_action is not None:
        return True
    return any(
        o.action is not None
        and o.action not in SINGLE_EYE_ACTIONS
        and roles[o.account_id] in (*ACTIONABLE_ROLES, None)
        for o in proposal.outcomes
    )


def _case_accounts(connection: Connection, case_id: int) -> dict[str, Any]:
    """The case's accounts by id (their rows: run, score, band, role when added)."""
    rows = connection.execute(select(case_accounts_table).where(_a.case_id == case_id))
    return {row.account_id: row for row in rows}


def propose(
    engine: Engine, *, case_id: int, actor: str, proposal: Proposal, qa_share: float = 0.0
) -> ProposalRecord:
    """The case's assignee proposes its decision; applied at once unless four eyes are due."""
    with write_transaction(engine) as connection:
        row = locked_case(connection, case_id)
        check_step(row, "propose")
        if row.assignee != actor:
            raise CaseStateError(f"case {case_id} is assigned to {row.assignee}, not to {actor}")
        accounts = _case_accounts(connection, case_id)
        roles = {account_id: member.role for account_id, member in accounts.items()}
        check_proposal(proposal, roles)
        approval = needs_four_eyes(proposal, roles)
        proposal_id = connection.execute(
            insert(case_proposals_table)
            .values(
                case_id=case_id,
                proposed_by=actor,
                proposed_at=utcnow(),
                outcomes=[vars(o) for o in proposal.outcomes],
                network_action=proposal.network_action,
                ground_kind=proposal.ground_kind,
                legal_ground=proposal.legal_ground,
                statement=proposal.statement,
                needs_approval=approval,
                status="pending" if approval else "approved",
            )
            .returning(_p.id)
        ).scalar_one()
        details = {"proposal_id": proposal_id, "needs_approval": approval}
        if approval:
            move_case(
                connection,
                row,
                step="propose",
                actor=actor,
                to_state="awaiting_approval",
                details=details,
            )
        else:
            move_case(
                connection,
                row,
                step="propose",
                actor=actor,
                to_state="decided",
                details=details,
                decided_at=utcnow(),
            )
            _apply(connection, row, proposal_id, approved_by=None, qa_share=qa_share)
            case_decided(connection, case_id, proposal_id, approved=False)
        return _proposal_in(connection, proposal_id)


def _proposal_in(connection: Connection, proposal_id: int) -> ProposalRecord:
    row = connection.execute(select(case_proposals_table).where(_p.id == proposal_id)).first()
    if row is None:
        raise CaseNotFoundError(f"no proposal {proposal_id}")
    return ProposalRecord.from_row(row)


def _pending(connection: Connection, proposal_id: int, actor: str) -> Any:
    """The locked case of a pending proposal; refuses the proposer (four eyes)."""
    proposal = _proposal_in(connection, proposal_id)
    row = locked_case(connection, proposal.case_id)
    if proposal.status != "pending":
        raise CaseStateError(f"proposal {proposal_id} is already {proposal.status}")
    if proposal.proposed_by == actor:
        raise FourEyesError(f"{actor} proposed this; another lead must review it (four eyes)")
    return row


def approve(
    engine: Engine, *, proposal_id: int, actor: str, note: str | None, qa_share: float = 0.0
) -> ProposalRecord:
    """A lead other than the proposer approves: the decision and its actions take effect."""
    with write_transaction(engine) as connection:
        row = _pending(connection, proposal_id, actor)
        _review(connection, proposal_id, actor, "approved", note)
        move_case(
            connection,
            row,
            step="approve",
            actor=actor,
            details={"proposal_id": proposal_id},
            decided_at=utcnow(),
        )
        _apply(connection, row, proposal_id, approved_by=actor, qa_share=qa_share)
        case_decided(connection, row.id, proposal_id, approved=True)
        return _proposal_in(connection, proposal_id)


def reject(engine: Engine, *, proposal_id: int, actor: str, note: str | None) -> ProposalRecord:
    """A lead other than the proposer sends the case back to its assignee, saying why."""
    with write_transaction(engine) as connection:
        row = _pending(connection, proposal_id, actor)
        _review(connection, proposal_id, actor, "rejected", note)
        details = {"proposal_id": proposal_id, "note": note}
        move_case(connection, row, step="reject", actor=actor, details=details)
        return _proposal_in(connection, proposal_id)


def _review(
    connection: Connection, proposal_id: int, actor: str, status: str, note: str | None
) -> None:
    if note is not None and len(note) > MAX_TEXT_CHARS:
        raise StoreInputError(f"note has {len(note)} characters; at most {MAX_TEXT_CHARS}")
    connection.execute(
        update(case_proposals_table)
        .where(_p.id == proposal_id)
        .values(status=status, reviewed_by=actor, reviewed_at=utcnow(), review_note=note)
    )


def member_decision(
    member: Any, *, decision: str, note: str, reviewer: str, details: dict[str, Any]
) -> NewDecision:
    """One account's decision on its score as of when it joined the case."""
    return NewDecision(
        member.account_id,
        member.run_id,
        member.score,
        member.band,
        decision,
        note,
        reviewer,
        details,
    )


def record_decision_in(
    connection: Connection,
    member: Any,
    *,
    decision: str,
    note: str,
    reviewer: str,
    details: dict[str, Any],
) -> int:
    """One account's decision row (as scored when it joined the case) and its audit entry."""
    chosen = member_decision(
        member, decision=decision, note=note, reviewer=reviewer, details=details
    )
    decision_id, _ = insert_decision_in(connection, chosen)
    return decision_id


def _apply(
    connection: Connection,
    case: Any,
    proposal_id: int,
    *,
    approved_by: str | None,
    qa_share: float,
) -> None:
    """Write the proposal's decisions and actions (in the caller's transaction); the QA
    sample takes its share of decisions here."""
    proposal = _proposal_in(connection, proposal_id)
    accounts = _case_accounts(connection, case.id)
    now = utcnow()
    common = dict(
        case_id=case.id,
        proposal_id=proposal_id,
        ground_kind=proposal.ground_kind,
        legal_ground=proposal.legal_ground,
        statement=proposal.statement,
        decided_by=proposal.proposed_by,
        approved_by=approved_by,
        flagged_at=case.opened_at,
        taken_at=now,
    )
    actions: list[dict[str, Any]] = []
    decisions = [
        member_decision(
            accounts[outcome["account_id"]],
            decision=outcome["decision"],
            note=f"case {case.id}: {proposal.statement}",
            reviewer=proposal.proposed_by,
            details={"case_id": case.id, "proposal_id": proposal_id, "action": outcome["action"]},
        )
        for outcome in proposal.outcomes
    ]
    insert_decisions_in(connection, decisions)  # one multi-row write for the whole case
    for outcome in proposal.outcomes:
        if outcome["action"] is not None:
            target = {"account_id": outcome["account_id"], "scope": "account"}
            actions.append({**common, **target, "action": outcome["action"]})
    if proposal.network_action is not None:
        actions.append(
            {**common, "account_id": None, "scope": "network", "action": proposal.network_action}
        )
    if actions:
        connection.execute(insert(actions_table), actions)
    sample_in(
        connection,
        case_id=case.id,
        proposal_id=proposal_id,
        decided_by=proposal.proposed_by,
        share=qa_share,
    )
