"""The hash-chained audit log: its newest entries, and the whole chain verified."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from risk.store import audit as store
from risk.store.records import AuditEntry, AuditVerification


def list_audit(
    *,
    engine: Engine,
    limit: int = 100,
    since: datetime | None = None,
    actor: str | None = None,
    target: str | None = None,
) -> list[AuditEntry]:
    """The newest entries first, optionally since a time / by an actor / about a target."""
    return store.list_audit(engine, limit=limit, since=since, actor=actor, target=target)


def verify_audit_chain(*, engine: Engine) -> AuditVerification:
    """Walk the whole chain (it reads every entry): intact, or the first broken entry."""
    return store.verify_audit_chain(engine)
