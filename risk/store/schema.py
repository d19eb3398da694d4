"""The store's tables as typed declarative models (the migrations create exactly these)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    BigInteger,
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

    __table_args__ = (
        Index("ix_decisions_account_created", "account_id", "created_at"),
        Index("ix_decisions_created", "created_at"),
    )


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
sessions_table = cast(Table, ConsoleSession.__table__)
