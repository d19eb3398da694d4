"""The store's tables as typed declarative models (the migrations create exactly these)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from features.contract import ID_MAX_CHARS, REGION_MAX_CHARS
from risk.store.types import UTCDateTime

_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (migrations refer to them)."""

    metadata = MetaData(naming_convention=_NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class ScoringRun(Base):
    """One nightly scoring run: written under its id, visible once published."""

    __tablename__ = "scoring_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    as_of: Mapped[datetime]
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(64))
    model_run_id: Mapped[str | None] = mapped_column(String(64))
    data_fingerprint: Mapped[str] = mapped_column(String(128))
    snapshot_path: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    accounts_scored: Mapped[int | None] = mapped_column(Integer)
    counts: Mapped[dict[str, Any] | None]
    timings: Mapped[dict[str, Any] | None]
    drift: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    # Retention (revision 0003): rows removed by ``risk runs prune``, exact tallies of them,
    # and when the prune finished (NULL while rows it would remove are still there).
    pruned_at: Mapped[datetime | None]
    pruned_rows: Mapped[int | None] = mapped_column(Integer)
    pruned_tallies: Mapped[dict[str, Any] | None]
    # Revision 0009: the run's per-account feature values and percentiles (risk.store.run_values)
    values_file: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # The run key: one published run per (snapshot, as_of, model); reruns reuse it.
        Index(
            "uq_scoring_runs_published_key",
            "data_fingerprint",
            "as_of",
            "model_name",
            "model_version",
            unique=True,
            sqlite_where=text("status = 'published'"),
            postgresql_where=text("status = 'published'"),
        ),
        Index("ix_scoring_runs_status_as_of", "status", "as_of", "published_at"),
    )


class Score(Base):
    """One account's score in one run, with its reasons, indicators and feature values."""

    __tablename__ = "scores"

    run_id: Mapped[str] = mapped_column(ForeignKey("scoring_runs.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(ID_MAX_CHARS), primary_key=True)
    network_id: Mapped[str | None] = mapped_column(String(ID_MAX_CHARS))
    region: Mapped[str | None] = mapped_column(String(REGION_MAX_CHARS))
    tier: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))
    rank: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[Any] | None]
    indicators: Mapped[list[Any] | None]
    features: Mapped[dict[str, Any] | None]
    percentiles: Mapped[dict[str, Any] | None]
    # Revision 0004: likely scheme role and P(role | takes part), set from band medium up.
    role: Mapped[str | None] = mapped_column(String(16))
    role_probability: Mapped[float | None] = mapped_column(Float)
    # Revision 0005: the score of its network and of its top-level branch (group_scores).
    network_score: Mapped[float | None] = mapped_column(Float)
    branch_score: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        Index("ix_scores_account_run", "account_id", "run_id"),
        # Covering the queue (filter by band, order by rank, count pending by account_id).
        Index("ix_scores_run_band_score", "run_id", "band", "rank", "score", "account_id"),
        Index("ix_scores_run_network", "run_id", "network_id"),
        Index("ix_scores_run_rank", "run_id", "rank", "account_id"),
        Index("ix_scores_run_role_rank", "run_id", "role", "rank", "account_id"),
    )


class Decision(Base):
    """A moderator's decision on an account; append-only (DB triggers reject edits)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    account_id: Mapped[str] = mapped_column(String(128))
    run_id: Mapped[str] = mapped_column(ForeignKey("scoring_runs.id"))
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # Revision 0006: the ``decision_imports`` row it came from (NULL: console or API).
    import_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_decisions_account_created", "account_id", "created_at"),
        Index("ix_decisions_created", "created_at"),
    )


class DecisionImport(Base):
    """One file of past decisions brought in by ``risk decisions import`` (revision 0006)."""

    __tablename__ = "decision_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime]
    decisions: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)  # rows already in the store (re-imports)


class ExplorationPick(Base):
    """An account drawn into a run's daily queue for exploration, with its inclusion
    probability (revision 0006): decisions on these give unbiased precision per band."""

    __tablename__ = "exploration_picks"

    run_id: Mapped[str] = mapped_column(ForeignKey("scoring_runs.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # order of the draw (0 first)
    inclusion_probability: Mapped[float] = mapped_column(Float)


class ShadowRun(Base):
    """A published run scored again by the @challenger model (revision 0006)."""

    __tablename__ = "shadow_runs"

    run_id: Mapped[str] = mapped_column(ForeignKey("scoring_runs.id"), primary_key=True)
    model_name: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(64))
    scored_at: Mapped[datetime]
    accounts: Mapped[int] = mapped_column(Integer)
    prior_shift: Mapped[dict[str, Any] | None]


class ShadowScore(Base):
    """One account's challenger score and band in a shadow run (revision 0006)."""

    __tablename__ = "shadow_scores"

    run_id: Mapped[str] = mapped_column(ForeignKey("shadow_runs.run_id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))


class AuditEntryRow(Base):
    """One audit log entry; append-only, each hash (an HMAC under a key kept outside the
    database, revision 0008) covers the previous one (a chain)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(256))
    details: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_target", "target"))


class ApiKey(Base):
    """An API key: only its SHA-256 is stored; the plaintext is shown once at creation.
    Never deleted; an update may only revoke an active key (triggers, revision 0008)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    key_prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Case(Base):
    """A network or branch judged as one scheme: its current state (history in case_events)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_kind: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[str] = mapped_column(String(128))
    network_id: Mapped[str | None] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(24))
    priority: Mapped[str] = mapped_column(String(16))
    priority_rank: Mapped[int] = mapped_column(Integer)  # 0 = most urgent (claim order)
    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[str | None] = mapped_column(String(32))  # the latest run that updated it
    assignee: Mapped[str | None] = mapped_column(String(200))
    assigned_at: Mapped[datetime | None]
    due_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    __table_args__ = (
        # One open case per unit: a closed case frees its unit for a new one.
        Index(
            "uq_cases_open_unit",
            "unit_kind",
            "unit_id",
            unique=True,
            sqlite_where=text("state <> 'closed'"),
            postgresql_where=text("state <> 'closed'"),
        ),
        Index("ix_cases_claim", "state", "assignee", "due_at", "priority_rank"),
        Index("ix_cases_assignee", "assignee", "state"),
    )


class CaseAccount(Base):
    """An account in a case, as scored when it joined the case (later runs add more)."""

    __tablename__ = "case_accounts"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    added_at: Mapped[datetime]
    run_id: Mapped[str | None] = mapped_column(String(32))
    tier: Mapped[int | None] = mapped_column(Integer)
    band: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    role: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_case_accounts_account", "account_id"),)


class CaseEvent(Base):
    """One change to a case (append-only: DB triggers reject edits)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    details: Mapped[dict[str, Any] | None]

    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)


class CaseProposal(Base):
    """A moderator's decision for a whole case (an outcome per account), waiting or reviewed."""

    __tablename__ = "case_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    proposed_by: Mapped[str] = mapped_column(String(200))
    proposed_at: Mapped[datetime]
    outcomes: Mapped[list[Any]]
    network_action: Mapped[str | None] = mapped_column(String(32))
    ground_kind: Mapped[str] = mapped_column(String(16))
    legal_ground: Mapped[str] = mapped_column(Text)
    statement: Mapped[str] = mapped_column(Text)
    needs_approval: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_case_proposals_case", "case_id", "status"),)


class EnforcementActionRow(Base):
    """What the platform did, with its legal ground and statement of reasons (append-only)."""

    __tablename__ = "enforcement_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("case_proposals.id"))
    account_id: Mapped[str | None] = mapped_column(String(128))  # NULL: network-wide
    scope: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    ground_kind: Mapped[str] = mapped_column(String(16))
    legal_ground: Mapped[str] = mapped_column(Text)
    statement: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    flagged_at: Mapped[datetime]  # when the case was opened (flag -> action time)
    taken_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_enforcement_actions_case", "case_id"),
        Index("ix_enforcement_actions_taken", "taken_at"),
    )


class Appeal(Base):
    """An appeal against an action, filed for the seller and decided by someone else."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("enforcement_actions.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    filed_at: Mapped[datetime]
    filed_by: Mapped[str] = mapped_column(String(200))
    grounds: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(16))
    reasons: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_appeals_action", "action_id"),
        Index("ix_appeals_case", "case_id"),
    )


class QaReview(Base):
    """A decided case sampled for a blind second review (reviewer QA) and its agreement."""

    __tablename__ = "qa_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("case_proposals.id"))
    decided_by: Mapped[str] = mapped_column(String(200))
    sampled_at: Mapped[datetime]
    reviewer: Mapped[str | None] = mapped_column(String(200))
    assigned_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    outcomes: Mapped[list[Any] | None]
    compared: Mapped[int | None] = mapped_column(Integer)
    agreed: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_qa_reviews_open", "reviewed_at", "reviewer", "id"),)


class WebhookSubscription(Base):
    """A platform endpoint subscribed to case events; its secret signs every delivery."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(100))  # kept to sign; shown once at creation
    events: Mapped[list[Any]]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class WebhookDelivery(Base):
    """One event for one subscription (the outbox): written with the change it reports,
    sent later, retried with backoff."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),
    )


class WebhookAttempt(Base):
    """One attempt to deliver (the delivery log; append-only)."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id"))
    at: Mapped[datetime]
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "id"),)


class ConsoleSession(Base):
    """A console sign-in (revision 0008): only the SHA-256 of its random id is stored; it ends
    at ``expires_at``, at sign-out, or when its API key is revoked."""

    __tablename__ = "console_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_console_sessions_key", "key_id"),)


# Core tables: the store's functions use SQL expressions, not ORM sessions (bulk speed).
runs_table = cast(Table, ScoringRun.__table__)
scores_table = cast(Table, Score.__table__)
decisions_table = cast(Table, Decision.__table__)
audit_table = cast(Table, AuditEntryRow.__table__)
keys_table = cast(Table, ApiKey.__table__)
imports_table = cast(Table, DecisionImport.__table__)
exploration_table = cast(Table, ExplorationPick.__table__)
shadow_runs_table = cast(Table, ShadowRun.__table__)
shadow_scores_table = cast(Table, ShadowScore.__table__)
cases_table = cast(Table, Case.__table__)
case_accounts_table = cast(Table, CaseAccount.__table__)
case_events_table = cast(Table, CaseEvent.__table__)
case_proposals_table = cast(Table, CaseProposal.__table__)
actions_table = cast(Table, EnforcementActionRow.__table__)
appeals_table = cast(Table, Appeal.__table__)
qa_table = cast(Table, QaReview.__table__)
subscriptions_table = cast(Table, WebhookSubscription.__table__)
deliveries_table = cast(Table, WebhookDelivery.__table__)
attempts_table = cast(Table, WebhookAttempt.__table__)
sessions_table = cast(Table, ConsoleSession.__table__)
