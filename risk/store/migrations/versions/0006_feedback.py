"""Learning from the platform's decisions (issue 16).

``decision_imports``: one row per file of past decisions brought in by ``risk decisions
import`` (who, when, the file and its SHA-256, how many decisions). ``decisions.import_id``
names the import a decision came from (NULL: recorded in the console or the API).
``exploration_picks``: the accounts of a run's daily queue drawn for exploration (where the
model is least sure, never decided), each with its inclusion probability, so that decisions on
them give unbiased precision per band. ``shadow_runs`` / ``shadow_scores``: a published run
scored again by the @challenger model (moderators keep the champion's scores), for comparing
the two before a person promotes.

Revision ID: 0006_feedback
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_feedback"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the import and exploration tables; decisions name their import (NULL before)."""
    op.create_table(
        "decision_imports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decision_imports"),
    )
    op.add_column("decisions", sa.Column("import_id", sa.Integer()))
    op.create_table(
        "exploration_picks",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("inclusion_probability", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["scoring_runs.id"], name="fk_exploration_picks_run_id_scoring_runs"
        ),
        sa.PrimaryKeyConstraint("run_id", "account_id", name="pk_exploration_picks"),
    )
    op.create_table(
        "shadow_runs",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("model_name", sa.String(200), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("prior_shift", sa.JSON()),
        sa.ForeignKeyConstraint(
            ["run_id"], ["scoring_runs.id"], name="fk_shadow_runs_run_id_scoring_runs"
        ),
        sa.PrimaryKeyConstraint("run_id", name="pk_shadow_runs"),
    )
    op.create_table(
        "shadow_scores",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(128), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("band", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["shadow_runs.run_id"], name="fk_shadow_scores_run_id_shadow_runs"
        ),
        sa.PrimaryKeyConstraint("run_id", "account_id", name="pk_shadow_scores"),
    )


def downgrade() -> None:
    """Drop them. Imported decisions stay decisions; where they came from stays in the audit
    log (``decisions.import`` entries); exploration picks are redrawn from the run's scores and
    shadow scores recomputed by scoring again with the challenger."""
    op.drop_table("shadow_scores")
    op.drop_table("shadow_runs")
    op.drop_table("exploration_picks")
    op.drop_column("decisions", "import_id")
    op.drop_table("decision_imports")
