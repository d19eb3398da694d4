"""Retention of scoring runs: a pruned run stays listed and says what was removed from it.

``risk runs prune`` deletes the score rows of old runs that their regulator report does not
need (low band, no decision) and keeps exact tallies of them, so the run's record and report
survive: ``pruned_rows`` counts the rows removed so far, ``pruned_tallies`` holds their score,
region and network-tier counts, and ``pruned_at`` is set only once every such row is gone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("pruned_at", "pruned_rows", "pruned_tallies")


def upgrade() -> None:
    """Add the retention columns (all NULL: no run has been pruned yet)."""
    op.add_column("scoring_runs", sa.Column("pruned_at", sa.DateTime(timezone=True)))
    op.add_column("scoring_runs", sa.Column("pruned_rows", sa.Integer()))
    op.add_column("scoring_runs", sa.Column("pruned_tallies", sa.JSON()))


def downgrade() -> None:
    """Drop them, refused once a run was pruned: its record would stop saying rows are gone."""
    pruned = op.get_bind().execute(
        sa.text("SELECT count(*) FROM scoring_runs WHERE pruned_rows IS NOT NULL")
    )
    if pruned.scalar_one():
        raise RuntimeError("scoring runs were pruned: revision 0003 cannot be downgraded")
    for column in _COLUMNS:
        op.drop_column("scoring_runs", column)
