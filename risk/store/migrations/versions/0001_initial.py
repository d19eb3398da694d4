"""Initial store: scoring runs, scores, decisions, audit log, API keys; append-only triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY = ("decisions", "audit_log")


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    """A timezone-aware timestamp column."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _big_id() -> sa.types.TypeEngine[int]:
    """BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY is the rowid)."""
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _create_runs() -> None:
    op.create_table(
        "scoring_runs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _ts("as_of"),
        sa.Column("model_name", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("model_run_id", sa.String(64), nullable=True),
        sa.Column("data_fingerprint", sa.String(128), nullable=False),
        sa.Column("snapshot_path", sa.Text(), nullable=True),
        _ts("started_at"),
        _ts("finished_at", nullable=True),
        _ts("published_at", nullable=True),
        sa.Column("accounts_scored", sa.Integer(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("timings", sa.JSON(), nullable=True),
        sa.Column("drift", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_scoring_runs"),
    )
    published = sa.text("status = 'published'")
    op.create_index(
        "uq_scoring_runs_published_key",
        "scoring_runs",
        ["data_fingerprint", "as_of", "model_name", "model_version"],
        unique=True,
        sqlite_where=published,
        postgresql_where=published,
    )
    op.create_index(
        "ix_scoring_runs_status_as_of", "scoring_runs", ["status", "as_of", "published_at"]
    )


def _create_scores() -> None:
    op.create_table(
        "scores",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(128), nullable=False),
        sa.Column("network_id", sa.String(128), nullable=True),
        sa.Column("region", sa.String(64), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=True),
        sa.Column("indicators", sa.JSON(), nullable=True),
        sa.Column("features", sa.JSON(), nullable=True),
        sa.Column("percentiles", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["scoring_runs.id"], name="fk_scores_run_id_scoring_runs"
        ),
        sa.PrimaryKeyConstraint("run_id", "account_id", name="pk_scores"),
    )
    op.create_index("ix_scores_account_run", "scores", ["account_id", "run_id"])
    op.create_index("ix_scores_run_band_score", "scores", ["run_id", "band", "score"])
    op.create_index("ix_scores_run_network", "scores", ["run_id", "network_id"])
    op.create_index("ix_scores_run_rank", "scores", ["run_id", "rank"])


def _create_decisions_and_audit() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", _big_id(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(128), nullable=False),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(200), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["scoring_runs.id"], name="fk_decisions_run_id_scoring_runs"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
    )
    op.create_index("ix_decisions_account_created", "decisions", ["account_id", "created_at"])
    op.create_index("ix_decisions_created", "decisions", ["created_at"])
    op.create_table(
        "audit_log",
        sa.Column("seq", _big_id(), autoincrement=False, nullable=False),
        _ts("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(256), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_target", "audit_log", ["target"])


def _create_keys() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("key_prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        _ts("created_at"),
        _ts("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("name", name="uq_api_keys_name"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )


def _append_only_triggers(dialect: str) -> None:
    """Reject UPDATE and DELETE (and TRUNCATE on PostgreSQL) on what users entered."""
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION risk_reject_change() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; "
            "END; $$ LANGUAGE plpgsql"
        )
    for table in _APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION risk_reject_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION risk_reject_change()"
            )
            continue
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
            )


def upgrade() -> None:
    """Create every table, index and append-only trigger."""
    _create_runs()
    _create_scores()
    _create_decisions_and_audit()
    _create_keys()
    _append_only_triggers(op.get_bind().dialect.name)


def downgrade() -> None:
    """Refused: the audit log and decisions must never be dropped by a migration."""
    raise RuntimeError("the initial revision cannot be downgraded: it holds the audit log")
