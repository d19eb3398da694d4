"""Per-account feature values and percentiles of a run in a columnar file beside the database.

The scores table kept them as JSON text on every row: about 4 KB an account, most of a
run's bytes and most of its write time. A run now writes one Parquet file (sorted by
account_id, small row groups, read by account through its row-group bounds); the run records
where it is. ``scores.features``/``percentiles`` stay for runs published before this revision
and are NULL for later ones.

Revision ID: 0009_run_values
Revises: 0008_integrity
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_run_values"
down_revision: str | None = "0008_integrity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the path of the run's values file (NULL for earlier runs)."""
    op.add_column("scoring_runs", sa.Column("values_file", sa.Text()))


def downgrade() -> None:
    """Drop it (the files stay on disk; earlier runs never had one)."""
    op.drop_column("scoring_runs", "values_file")
