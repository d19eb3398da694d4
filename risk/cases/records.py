"""Frozen records of case work (what ``risk.cases`` returns; the API serialises them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from risk.cases.sla import age_hours, is_overdue
from risk.store.records import _Record


@dataclass(frozen=True, kw_only=True)
class CaseRecord(_Record):
    """A case as it stands now, with its SLA figures at the time it was read."""

    id: int
    unit_kind: str
    unit_id: str
    network_id: str | None
    region: str | None
    state: str
    priority: str
    opened_at: datetime
    opened_by: str
    run_id: str | None
    assignee: str | None
    assigned_at: datetime | None
    due_at: datetime
    updated_at: datetime
    decided_at: datetime | None
    closed_at: datetime | None
    accounts: int = 0
    age_hours: float = 0.0
    overdue: bool = False

    @classmethod
    def read(cls, row: Any, *, now: datetime, accounts: int = 0) -> CaseRecord:
        """From a ``cases`` row, with its age and breach as of ``now``."""
        m = row._mapping
        names = [
            name
            for name in cls.__dataclass_fields__
            if name not in ("accounts", "age_hours", "overdue")
        ]
        return cls(
            **{name: m[name] for name in names},
            accounts=accounts,
            age_hours=round(age_hours(m["opened_at"], m["decided_at"] or now), 3),
            overdue=is_overdue(m["due_at"], m["decided_at"], now),
        )


@dataclass(frozen=True)
class CaseAccountRecord(_Record):
    """An account of a case, as scored when it joined."""

    account_id: str
    added_at: datetime
    run_id: str | None
    tier: int | None
    band: str
    score: float
    role: str | None


@dataclass(frozen=True)
class CaseEventRecord(_Record):
    """One change in a case's history."""

    id: int
    at: datetime
    actor: str
    kind: str
    from_state: str | None
    to_state: str | None
    details: dict[str, Any] | None


@dataclass(frozen=True)
class ProposalRecord(_Record):
    """A decision proposed for a whole case: an outcome per account, maybe a network action."""

    id: int
    case_id: int
    proposed_by: str
    proposed_at: datetime
    outcomes: list[dict[str, Any]]
    network_action: str | None
    ground_kind: str
    legal_ground: str
    statement: str
    needs_approval: bool
    status: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None


@dataclass(frozen=True)
class ActionRecord(_Record):
    """An enforcement action the platform took, and whether an appeal reversed it."""

    id: int
    case_id: int
    proposal_id: int
    account_id: str | None
    scope: str
    action: str
    ground_kind: str
    legal_ground: str
    statement: str
    decided_by: str
    approved_by: str | None
    flagged_at: datetime
    taken_at: datetime
    reversed: bool = False


@dataclass(frozen=True)
class AppealRecord(_Record):
    """An appeal against an action: filed for the seller, decided by someone else."""

    id: int
    action_id: int
    case_id: int
    filed_at: datetime
    filed_by: str
    grounds: str
    decided_at: datetime | None
    decided_by: str | None
    outcome: str | None
    reasons: str | None


@dataclass(frozen=True)
class CaseDetail(_Record):
    """A case with its accounts, history, proposals, actions and appeals."""

    case: CaseRecord
    accounts: list[CaseAccountRecord]
    events: list[CaseEventRecord]
    proposals: list[ProposalRecord] = field(default_factory=list)
    actions: list[ActionRecord] = field(default_factory=list)
    appeals: list[AppealRecord] = field(default_factory=list)


@dataclass(frozen=True)
class CasePage(_Record):
    """One page of cases and how many match in all."""

    items: list[CaseRecord]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class CaseSync(_Record):
    """What a scoring run did to the cases: opened, updated (accounts added, priority raised)."""

    run_id: str
    opened: list[int]
    updated: list[int]
    accounts_added: int
