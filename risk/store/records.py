"""Plain frozen records the store returns (no ORM objects leak out of the store)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Row


def _json_safe(value: Any) -> Any:
    """Timestamps become ISO 8601 text; everything else is already JSON-safe."""
    return value.isoformat() if isinstance(value, datetime) else value


class _Record:
    """Shared helpers: build from a SQL row, dump to a JSON-safe dict."""

    @classmethod
    def from_row(cls, row: Row[Any, Any, Any, Any, Any, Any] | Row[Any]) -> Any:
        """Build from a result row whose keys include every field of the record."""
        mapping = row._mapping
        names = [field.name for field in fields(cls)]  # type: ignore[arg-type]
        return cls(**{name: mapping[name] for name in names if name in mapping})

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (ISO timestamps)."""
        return {
            field.name: _json_safe(getattr(self, field.name))
            for field in fields(self)  # type: ignore[arg-type]
        }


@dataclass(frozen=True)
class RunRecord(_Record):
    """A scoring run and its summary."""

    id: str
    status: str
    as_of: datetime
    model_name: str
    model_version: str
    model_run_id: str | None
    data_fingerprint: str
    snapshot_path: str | None
    started_at: datetime
    finished_at: datetime | None
    published_at: datetime | None
    accounts_scored: int | None
    counts: dict[str, Any] | None
    timings: dict[str, Any] | None
    drift: dict[str, Any] | None
    error: str | None
    pruned_at: datetime | None
    pruned_rows: int | None

    @property
    def pruned(self) -> bool:
        """True once ``risk runs prune`` removed the rows its policy drops."""
        return self.pruned_at is not None


@dataclass(frozen=True)
class ScoreRecord(_Record):
    """One account's score in one run; ``decision*`` is the account's latest decision."""

    run_id: str
    account_id: str
    network_id: str | None
    region: str | None
    tier: int | None
    score: float
    band: str
    rank: int
    reasons: list[Any] | None
    indicators: list[Any] | None
    features: dict[str, Any] | None
    percentiles: dict[str, Any] | None
    role: str | None = None  # likely scheme role (band medium and up, with a role model)
    role_probability: float | None = None
    decision: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class QueuePage:
    """One page of the review queue and how many accounts match in all."""

    items: list[ScoreRecord]
    total: int
    limit: int
    offset: int
    run_id: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict."""
        return {
            "items": [item.to_dict() for item in self.items],
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "run_id": self.run_id,
        }


@dataclass(frozen=True)
class DecisionRecord(_Record):
    """A moderator's decision, as recorded (never edited)."""

    id: int
    account_id: str
    run_id: str
    score: float
    band: str
    decision: str
    note: str | None
    reviewer: str
    created_at: datetime


@dataclass(frozen=True)
class AuditEntry(_Record):
    """One entry of the hash-chained audit log."""

    seq: int
    at: datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, Any] | None
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditVerification:
    """The result of walking the audit chain."""

    ok: bool
    entries: int
    first_bad_seq: int | None
    reason: str | None
    head_hash: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict."""
        return {
            "ok": self.ok,
            "entries": self.entries,
            "first_bad_seq": self.first_bad_seq,
            "reason": self.reason,
            "head_hash": self.head_hash,
        }


@dataclass(frozen=True)
class ApiKeyRecord(_Record):
    """An API key's public facts (never the key itself, never its hash)."""

    id: int
    name: str
    role: str
    key_prefix: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """True until revoked."""
        return self.revoked_at is None
