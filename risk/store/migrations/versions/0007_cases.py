"""Case work (issue 17): cases of a network or branch, their accounts and append-only history,
proposed decisions (four eyes), enforcement actions with legal ground and statement of
reasons, appeals, the blind QA sample, and the webhook outbox (subscriptions, deliveries, the
attempts log).

Revision ID: 0007_cases
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_cases"
down_revision: str | None = "0006_feedback"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_APPEND_ONLY = ("case_events", "enforcement_actions", "webhook_attempts")
_TABLES = (
    "qa_reviews",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_subscriptions",
    "appeals",
    "enforcement_actions",
    "case_proposals",
    "case_events",
    "case_accounts",
)


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    """A timezone-aware timestamp column."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _actor(name: str, nullable: bool = False) -> sa.Column[object]:
    """Who did it (an API key's name)."""
    return sa.Column(name, sa.String(200), nullable=nullable)


def _fk(column: str, table: str, owner: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{table}.id"], name=f"fk_{owner}_{column}_{table}")


def _create_cases() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_kind", sa.String(16), nullable=False),
        sa.Column("unit_id", sa.String(128), nullable=False),
        sa.Column("network_id", sa.String(128), nullable=True),
        sa.Column("region", sa.String(64), nullable=True),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("priority_rank", sa.Integer(), nullable=False),
        _ts("opened_at"),
        _actor("opened_by"),
        sa.Column("run_id", sa.String(32), nullable=True),
        _actor("assignee", nullable=True),
        _ts("assigned_at", nullable=True),
        _ts("due_at"),
        _ts("updated_at"),
        _ts("decided_at", nullable=True),
        _ts("closed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
    )
    still_open = sa.text("state <> 'closed'")
    op.create_index(
        "uq_cases_open_unit",
        "cases",
        ["unit_kind", "unit_id"],
        unique=True,
        sqlite_where=still_open,
        postgresql_where=still_open,
    )
    op.create_index("ix_cases_claim", "cases", ["state", "assignee", "due_at", "priority_rank"])
    op.create_index("ix_cases_assignee", "cases", ["assignee", "state"])
    op.create_table(
        "case_accounts",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(128), nullable=False),
        _ts("added_at"),
        sa.Column("run_id", sa.String(32), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("band", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("role", sa.String(16), nullable=True),
        _fk("case_id", "cases", "case_accounts"),
        sa.PrimaryKeyConstraint("case_id", "account_id", name="pk_case_accounts"),
    )
    op.create_index("ix_case_accounts_account", "case_accounts", ["account_id"])
    op.create_table(
        "case_events",
        sa.Column("id", _big_id(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        _ts("at"),
        _actor("actor"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(24), nullable=True),
        sa.Column("to_state", sa.String(24), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        _fk("case_id", "cases", "case_events"),
        sa.PrimaryKeyConstraint("id", name="pk_case_events"),
    )
    op.create_index("ix_case_events_case", "case_events", ["case_id", "id"])


def _create_decisions() -> None:
    op.create_table(
        "case_proposals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        _actor("proposed_by"),
        _ts("proposed_at"),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("network_action", sa.String(32), nullable=True),
        sa.Column("ground_kind", sa.String(16), nullable=False),
        sa.Column("legal_ground", sa.Text(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("needs_approval", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _actor("reviewed_by", nullable=True),
        _ts("reviewed_at", nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        _fk("case_id", "cases", "case_proposals"),
        sa.PrimaryKeyConstraint("id", name="pk_case_proposals"),
    )
    op.create_index("ix_case_proposals_case", "case_proposals", ["case_id", "status"])
    op.create_table(
        "enforcement_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(128), nullable=True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("ground_kind", sa.String(16), nullable=False),
        sa.Column("legal_ground", sa.Text(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        _actor("decided_by"),
        _actor("approved_by", nullable=True),
        _ts("flagged_at"),
        _ts("taken_at"),
        _fk("case_id", "cases", "enforcement_actions"),
        _fk("proposal_id", "case_proposals", "enforcement_actions"),
        sa.PrimaryKeyConstraint("id", name="pk_enforcement_actions"),
    )
    op.create_index("ix_enforcement_actions_case", "enforcement_actions", ["case_id"])
    op.create_index("ix_enforcement_actions_taken", "enforcement_actions", ["taken_at"])
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        _ts("filed_at"),
        _actor("filed_by"),
        sa.Column("grounds", sa.Text(), nullable=False),
        _ts("decided_at", nullable=True),
        _actor("decided_by", nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        _fk("action_id", "enforcement_actions", "appeals"),
        _fk("case_id", "cases", "appeals"),
        sa.PrimaryKeyConstraint("id", name="pk_appeals"),
    )
    op.create_index("ix_appeals_action", "appeals", ["action_id"])
    op.create_index("ix_appeals_case", "appeals", ["case_id"])


def _create_qa() -> None:
    op.create_table(
        "qa_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        _actor("decided_by"),
        _ts("sampled_at"),
        _actor("reviewer", nullable=True),
        _ts("assigned_at", nullable=True),
        _ts("reviewed_at", nullable=True),
        sa.Column("outcomes", sa.JSON(), nullable=True),
        sa.Column("compared", sa.Integer(), nullable=True),
        sa.Column("agreed", sa.Integer(), nullable=True),
        _fk("case_id", "cases", "qa_reviews"),
        _fk("proposal_id", "case_proposals", "qa_reviews"),
        sa.PrimaryKeyConstraint("id", name="pk_qa_reviews"),
    )
    op.create_index("ix_qa_reviews_open", "qa_reviews", ["reviewed_at", "reviewer", "id"])


def _create_webhooks() -> None:
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        _actor("created_by"),
        _ts("created_at"),
        _ts("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscriptions"),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", _big_id(), autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        _ts("created_at"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _ts("next_attempt_at", nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("delivered_at", nullable=True),
        _fk("subscription_id", "webhook_subscriptions", "webhook_deliveries"),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index(
        "ix_webhook_deliveries_subscription", "webhook_deliveries", ["subscription_id", "id"]
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("id", _big_id(), autoincrement=True, nullable=False),
        sa.Column("delivery_id", _big_id(), nullable=False),
        _ts("at"),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
        _fk("delivery_id", "webhook_deliveries", "webhook_attempts"),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_attempts"),
    )
    op.create_index("ix_webhook_attempts_delivery", "webhook_attempts", ["delivery_id", "id"])


def _big_id() -> sa.types.TypeEngine[int]:
    """BIGINT on PostgreSQL, INTEGER on SQLite (where only INTEGER PRIMARY KEY is the rowid)."""
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _append_only_triggers(dialect: str) -> None:
    """Reject UPDATE and DELETE on the history and the actions (risk_reject_change: 0001)."""
    for table in _APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION risk_reject_change()"
            )
            continue
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
            )


def upgrade() -> None:
    """Create the case tables, their indexes and the append-only triggers."""
    _create_cases()
    _create_decisions()
    _create_qa()
    _create_webhooks()
    _append_only_triggers(op.get_bind().dialect.name)


def downgrade() -> None:
    """Drop the case tables, refused once any case exists (moderators' work is never lost)."""
    cases = op.get_bind().execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
    if cases:
        raise RuntimeError(f"the store holds {cases} case(s): revision 0007_cases stays")
    for table in (*_TABLES, "cases"):
        op.drop_table(table)
