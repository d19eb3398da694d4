"""Service levels: how long a case of each priority may wait, its due time, age and breach."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from risk.vocab import CASE_PRIORITIES


def priority_rank(priority: str) -> int:
    """0 for the most urgent priority (critical), then 1, 2 (the claim order)."""
    return CASE_PRIORITIES.index(priority)


def higher_priority(current: str, seen: str) -> str:
    """The more urgent of two priorities (a case's priority only ever rises)."""
    return current if priority_rank(current) <= priority_rank(seen) else seen


def due_at(opened_at: datetime, priority: str, sla_hours: Mapping[str, float]) -> datetime:
    """When a case opened at ``opened_at`` with ``priority`` must be decided."""
    return opened_at + timedelta(hours=sla_hours[priority])


def age_hours(opened_at: datetime, now: datetime) -> float:
    """Hours since the case opened."""
    return (now - opened_at).total_seconds() / 3600.0


def is_overdue(due: datetime, decided_at: datetime | None, now: datetime) -> bool:
    """True when the case was not decided by its due time (still waiting, or decided late)."""
    return (decided_at or now) > due
