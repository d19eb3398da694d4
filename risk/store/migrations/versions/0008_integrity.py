"""Integrity: the audit chain keyed, the SQLite REPLACE path closed, API keys and scores guarded.

- The audit chain's hashes become HMAC-SHA256 under the key kept outside the database
  (``risk.store.chain_key``). An intact plain SHA-256 chain is re-hashed under the key (its
  append-only trigger lifted for that one statement per entry); a broken one is left as it is,
  and ``risk audit verify`` names where it breaks.
- Published runs without a ``run.publish`` entry get one sealing their rows' digest.
- SQLite: ``INSERT OR REPLACE`` deletes the row it replaces without firing DELETE triggers; a
  BEFORE INSERT trigger refuses an existing id on decisions, audit_log and api_keys.
- api_keys: no DELETE, and UPDATE only to revoke an active key (no un-revoking, no new hash).
- scores: no UPDATE (a run's rows are written once; prune deletes whole rows).
- console_sessions: server-side console sign-ins (the SHA-256 of a random id, an expiry).

Revision ID: 0008_integrity
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from alembic import op

from risk.jsontext import canonical_json
from risk.store.audit import GENESIS_HASH, append_audit_in, entry_hash
from risk.store.audit_checks import run_seal
from risk.store.chain_key import chain_config
from risk.store.run_digest import run_content_digest
from risk.store.schema import audit_table, runs_table

revision: str = "0008_integrity"
down_revision: str | None = "0007_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NO_REPLACE = {"decisions": "id", "audit_log": "seq", "api_keys": "id"}
# api_keys: an update may only set revoked_at on an active key.
_KEY_CHANGE = (
    "OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.id <> OLD.id "
    "OR NEW.name <> OLD.name OR NEW.role <> OLD.role OR NEW.key_prefix <> OLD.key_prefix "
    "OR NEW.key_hash <> OLD.key_hash OR NEW.created_at <> OLD.created_at"
)


def _sqlite_triggers() -> None:
    for table, key in _NO_REPLACE.items():
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: replacing a row refused'); END"
        )
    op.execute(
        "CREATE TRIGGER api_keys_no_delete BEFORE DELETE ON api_keys "
        "BEGIN SELECT RAISE(ABORT, 'api_keys: DELETE refused (revoke the key)'); END"
    )
    op.execute(
        f"CREATE TRIGGER api_keys_revoke_only BEFORE UPDATE ON api_keys WHEN {_KEY_CHANGE} "
        "BEGIN SELECT RAISE(ABORT, 'api_keys: only revoking an active key is allowed'); END"
    )
    op.execute(
        "CREATE TRIGGER scores_no_update BEFORE UPDATE ON scores "
        "BEGIN SELECT RAISE(ABORT, 'scores are written once: UPDATE refused'); END"
    )


def _postgres_triggers() -> None:
    op.execute(
        "CREATE OR REPLACE FUNCTION risk_key_revoke_only() RETURNS trigger AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'api_keys: DELETE refused (revoke the key)'; "
        f"END IF; IF {_KEY_CHANGE} THEN "
        "RAISE EXCEPTION 'api_keys: only revoking an active key is allowed'; END IF; "
        "RETURN NEW; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER api_keys_revoke_only BEFORE UPDATE OR DELETE ON api_keys "
        "FOR EACH ROW EXECUTE FUNCTION risk_key_revoke_only()"
    )
    op.execute(
        "CREATE TRIGGER api_keys_no_truncate BEFORE TRUNCATE ON api_keys "
        "FOR EACH STATEMENT EXECUTE FUNCTION risk_reject_change()"
    )
    op.execute(
        "CREATE TRIGGER scores_no_update BEFORE UPDATE ON scores "
        "FOR EACH ROW EXECUTE FUNCTION risk_reject_change()"
    )


def _plain_hash(prev_hash: str, row: Any) -> str:
    """The hash of revisions before this one: SHA-256, no key."""
    body = canonical_json(
        {
            "seq": row.seq,
            "at": row.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": row.actor,
            "action": row.action,
            "target": row.target,
            "details": row.details,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _rekey_chain(connection: sa.Connection) -> None:
    """Re-hash an intact plain chain under the key; leave a broken one for verify to name."""
    rows = connection.execute(sa.select(audit_table).order_by(audit_table.c.seq)).all()
    previous = GENESIS_HASH
    for expected, row in enumerate(rows, start=1):
        if (
            row.seq != expected
            or row.prev_hash != previous
            or _plain_hash(previous, row) != row.hash
        ):
            return
        previous = row.hash
    key = chain_config(connection.engine).key
    postgres = connection.dialect.name == "postgresql"
    lift = (
        ["ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"]
        if postgres
        else ["DROP TRIGGER audit_log_no_update"]
    )
    restore = (
        ["ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"]
        if postgres
        else [
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END"
        ]
    )
    for statement in lift:
        op.execute(statement)
    previous = GENESIS_HASH
    for row in rows:
        keyed = entry_hash(
            previous,
            key=key,
            seq=row.seq,
            at=row.at,
            actor=row.actor,
            action=row.action,
            target=row.target,
            details=row.details,
        )
        connection.execute(
            sa.update(audit_table)
            .where(audit_table.c.seq == row.seq)
            .values(prev_hash=previous, hash=keyed)
        )
        previous = keyed
    for statement in restore:
        op.execute(statement)


def _seal_published_runs(connection: sa.Connection) -> None:
    """A run.publish entry (identity and rows' digest) for each published run lacking one."""
    sealed = set(
        connection.execute(
            sa.select(audit_table.c.target).where(audit_table.c.action == "run.publish")
        ).scalars()
    )
    # the columns a seal reads, named: later revisions add columns this one cannot see
    r = runs_table.c
    sealed_columns = (r.id, r.as_of, r.model_name, r.model_version, r.data_fingerprint)
    runs = connection.execute(
        sa.select(*sealed_columns, r.accounts_scored)
        .where(runs_table.c.status == "published")
        .order_by(runs_table.c.published_at)
    ).all()
    for run in runs:
        if run.id in sealed:
            continue
        append_audit_in(
            connection,
            actor="migration 0008_integrity",
            action="run.publish",
            target=run.id,
            details={**run_seal(run), **run_content_digest(connection, run.id).to_details()},
        )


def _create_sessions() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["key_id"], ["api_keys.id"], name="fk_console_sessions_key_id_api_keys"
        ),
        sa.PrimaryKeyConstraint("id_hash", name="pk_console_sessions"),
    )
    op.create_index("ix_console_sessions_key", "console_sessions", ["key_id"])


def upgrade() -> None:
    """Guard the tables, key the chain, seal the published runs, add console sessions."""
    _create_sessions()
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()
    _rekey_chain(connection)
    _seal_published_runs(connection)


def downgrade() -> None:
    """Drop the guards and the sessions; the chain stays keyed (re-hashing it without the key
    would unseal it)."""
    op.drop_index("ix_console_sessions_key", table_name="console_sessions")
    op.drop_table("console_sessions")
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in (
            ("api_keys_revoke_only", "api_keys"),
            ("api_keys_no_truncate", "api_keys"),
            ("scores_no_update", "scores"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS risk_key_revoke_only()")
        return
    for trigger in (
        *(f"{table}_no_replace" for table in _NO_REPLACE),
        "api_keys_no_delete",
        "api_keys_revoke_only",
        "scores_no_update",
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
