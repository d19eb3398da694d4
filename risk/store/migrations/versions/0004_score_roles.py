"""The likely scheme role of each scored account, for moderators who act on organizers and
recruiters: ``role`` (organizer / recruiter / participant) and ``role_probability`` (P(role |
the account takes part)). Both NULL for accounts below band medium, for runs scored before
this revision and for models registered without a role model. An index serves the queue's
role filter the way ``ix_scores_run_band_score`` serves its band filter.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the role columns (NULL in every existing row) and the role-filter index."""
    op.add_column("scores", sa.Column("role", sa.String(16)))
    op.add_column("scores", sa.Column("role_probability", sa.Float()))
    op.create_index("ix_scores_run_role_rank", "scores", ["run_id", "role", "rank", "account_id"])


def downgrade() -> None:
    """Drop them (the role estimate can be recomputed by re-scoring; no one entered it)."""
    op.drop_index("ix_scores_run_role_rank", table_name="scores")
    op.drop_column("scores", "role_probability")
    op.drop_column("scores", "role")
