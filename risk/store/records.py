"""Plain frozen records the store returns (no ORM objects leak out of the store)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any, NotRequired

from sqlalchemy import Row
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from risk.vocab import Band, Decision, QueueOrder, QueueReason, SchemeRole


def _json_safe(value: Any) -> Any:
    """Timestamps (at any depth) become ISO 8601 text; everything else is already JSON-safe."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


class _Record:
    """Shared helpers: build from a SQL row, dump to a JSON-safe dict."""

    @classmethod
    def from_row(cls, row: Row[Any, Any, Any, Any, Any, Any] | Row[Any]) -> Any:
        """Build from a result row whose keys include every field of the record."""
        mapping = row._mapping
        names = [field.name for field in fields(cls)]  # type: ignore[arg-type]
        return cls(**{name: mapping[name] for name in names if name in mapping})

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (ISO timestamps), nested records included."""
        return dict(_json_safe(asdict(self)))  # type: ignore[call-overload]


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


class StoredReason(TypedDict):
    """One reason as a run stores it: the feature, its value, its push on the score in log-odds
    and the legitimate sellers' median (``reference``) its sentence compares the value with.

    The sentence is not stored: readers word it in their reader's language from the registry
    (``models.explain_text.stored_reason_text``) and put it in ``text`` of their copy. Runs
    stored before issue 14 have no ``reference`` but their English sentence in ``text``.
    """

    feature: str
    value: float | None
    contribution: float | None
    reference: NotRequired[float | None]  # absent in runs stored before issue 14
    text: NotRequired[str]  # those runs' English sentence; in a reader's copy, its words


@dataclass(frozen=True, kw_only=True)
class ScoreRow(_Record):
    """One account's row in a scoring run, declared once: the store's ``scores`` table holds
    these columns (``SCORE_ROW_COLUMNS``), the run table produces them, and the review queue
    and the account view show them (pydantic serialises this dataclass)."""

    account_id: str
    network_id: str | None
    region: str | None
    tier: int | None
    score: float
    band: Band
    rank: int
    reasons: list[StoredReason] | None = None  # band medium and up
    # the legal indicators fired: risk.indicators.rule.FiredIndicator (words added when read)
    indicators: list[dict[str, Any]] | None = None
    role: SchemeRole | None = None  # likely scheme role (band medium and up, with a role model)
    role_probability: float | None = None
    # mean of the top max(3, 10%) member scores of its network / its top-level branch
    # (risk.scoring.table.group_scores); NULL in runs scored before revision 0005
    network_score: float | None = None
    branch_score: float | None = None


SCORE_ROW_COLUMNS: tuple[str, ...] = tuple(field.name for field in fields(ScoreRow))


@dataclass(frozen=True, kw_only=True)
class DecidedScoreRow(ScoreRow):
    """A score row with the account's latest decision (any run): what the queue lists."""

    decision: Decision | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class QueueItem(DecidedScoreRow):
    """A queue row and why it is in the queue: its risk, or an exploration draw (where the
    model is least sure; decisions on it teach what the model does not know)."""

    reason: QueueReason = "risk"


@dataclass(frozen=True, kw_only=True)
class ScoreRecord(DecidedScoreRow):
    """Everything the store keeps of one account in one run, with its latest decision."""

    run_id: str
    features: dict[str, Any] | None = None  # the registry's values, for the account views
    percentiles: dict[str, Any] | None = None  # population percentile of the shown features


@dataclass(frozen=True)
class QueuePage(_Record):
    """One page of the review queue and how many accounts match in all."""

    items: Sequence[DecidedScoreRow]
    total: int
    limit: int
    offset: int
    run_id: str
    order: QueueOrder = "score"
    flagged_left: int | None = None  # flagged (high, critical) accounts of the run still pending


@dataclass(frozen=True)
class QueueKey(_Record):
    """What the queue's default order reads of an account (no reasons, no features)."""

    account_id: str
    network_id: str | None
    band: Band
    score: float
    rank: int
    role: SchemeRole | None
    network_score: float | None


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
    import_id: int | None = None  # the decision_imports row it came from (None: console, API)


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
class AuditVerification(_Record):
    """The result of walking the audit chain, holding it to anchors and cross-checking the
    tables it covers (decisions, API keys, published runs): each finding in ``problems``."""

    ok: bool
    entries: int
    first_bad_seq: int | None
    reason: str | None
    head_hash: str | None
    head_seq: int | None = None
    key_id: str | None = None
    anchors_checked: int = 0
    problems: tuple[str, ...] = ()


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
