"""Review-queue indexes that cover the queue's filter, order and count.

The queue filters by run and band, orders by rank and counts pending accounts (a NOT EXISTS on
decisions by account_id). With account_id inside the index, SQLite answers all of it from the
index alone instead of reading ~1.7 KB score rows at random (2 s -> tens of ms at 1M rows).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Replace the band/score and rank indexes by covering ones."""
    op.drop_index("ix_scores_run_band_score", table_name="scores")
    op.drop_index("ix_scores_run_rank", table_name="scores")
    op.create_index(
        "ix_scores_run_band_score", "scores", ["run_id", "band", "rank", "score", "account_id"]
    )
    op.create_index("ix_scores_run_rank", "scores", ["run_id", "rank", "account_id"])


def downgrade() -> None:
    """Back to the narrow indexes of revision 0001."""
    op.drop_index("ix_scores_run_band_score", table_name="scores")
    op.drop_index("ix_scores_run_rank", table_name="scores")
    op.create_index("ix_scores_run_band_score", "scores", ["run_id", "band", "score"])
    op.create_index("ix_scores_run_rank", "scores", ["run_id", "rank"])
