"""The score of each account's network and of its top-level branch, beside its own: the unit
moderators act on is a scheme, a subgraph. ``network_score`` and ``branch_score`` are the mean
of the top max(3, 10%) member scores of the group (``risk.scoring.table.group_scores``), the
same on every member's row. NULL for runs scored before this revision; ``branch_score`` also
NULL where the engine knows no branch (the Spark engine).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the group score columns (NULL in every existing row)."""
    op.add_column("scores", sa.Column("network_score", sa.Float()))
    op.add_column("scores", sa.Column("branch_score", sa.Float()))


def downgrade() -> None:
    """Drop them (recomputed by re-scoring; no one entered them)."""
    op.drop_column("scores", "branch_score")
    op.drop_column("scores", "network_score")
