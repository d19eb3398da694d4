"""PostgreSQL: the service runs as a role that owns no table and cannot switch the triggers off.

The grants are the ones ``docs/security.md`` gives (read from it, so the page and the test
cannot drift apart); the test connects as that role and does the service's work, then tries
what a compromised service would.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from risk.store.audit import append_audit, verify_audit_chain
from risk.store.db import open_store
from risk.store.decisions import record_decision
from risk.store.keys import create_key, revoke_key
from risk.store.runs import begin_run, publish_run, write_scores
from risk.store.sessions import end_session, start_session
from tests.risk.conftest import AS_OF, PG_SERVER, make_scores

pytestmark = pytest.mark.postgres
SECURITY_DOC = Path(__file__).parents[2] / "docs" / "security.md"


def _grants(role: str, database: str) -> list[str]:
    """The SQL block of docs/security.md between its grant markers, for ``role``."""
    page = SECURITY_DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- grants -->\s*```sql\n(.*?)```", page, re.S)
    assert block is not None, "docs/security.md lost its grants block"
    sql = (
        block.group(1)
        .replace("risk_service", role)
        .replace("DATABASE risk ", f"DATABASE {database} ")
    )
    return [statement.strip() for statement in sql.split(";") if statement.strip()]


@pytest.fixture
def service_url(postgres_store_url: str) -> Iterator[str]:
    """The test database, reached as a fresh service role granted what the docs say."""
    role = f"risk_service_{uuid.uuid4().hex[:8]}"
    database = postgres_store_url.rsplit("/", 1)[1]
    dsn = postgres_store_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        for statement in _grants(role, database):
            connection.execute(statement)  # type: ignore[arg-type]
    yield f"{PG_SERVER.replace('postgres@', f'{role}@')}/{database}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"DROP OWNED BY {role}")  # type: ignore[arg-type]
        connection.execute(f"DROP ROLE {role}")  # type: ignore[arg-type]


def test_the_service_role_does_the_work_and_cannot_undo_the_guards(service_url: str) -> None:
    engine = open_store(service_url)  # the migrations are there: nothing to do, nothing owned
    create_key(engine, role="admin", name="root")
    create_key(engine, role="moderator", name="alice")
    session = start_session(engine, create_key(engine, role="moderator", name="bo")[1].id,
                            lifetime=timedelta(hours=1))  # fmt: skip
    assert end_session(engine, session)
    revoke_key(engine, "alice")
    run_id = begin_run(
        engine,
        as_of=AS_OF,
        model_name="m",
        model_version="1",
        model_run_id=None,
        data_fingerprint="fp",
        snapshot_path=None,
    )
    write_scores(engine, run_id, make_scores(5))
    publish_run(engine, run_id, accounts_scored=5, counts={}, timings={}, drift=None)
    record_decision(engine, account_id="acct-00001", decision="confirm", note=None, reviewer="m")
    append_audit(engine, actor="m", action="account.view", target="acct-00001")
    assert verify_audit_chain(engine).ok
    for statement, refusal in [
        ("SET session_replication_role = replica", "permission denied"),
        ("ALTER TABLE decisions DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER decisions_append_only ON decisions", "must be owner"),
        ("UPDATE decisions SET decision = 'dismiss'", "permission denied"),
        ("DELETE FROM audit_log", "permission denied"),
        ("TRUNCATE audit_log", "permission denied"),
        ("UPDATE api_keys SET revoked_at = NULL", "only revoking"),
        ("UPDATE api_keys SET role = 'admin'", "permission denied"),
        ("UPDATE scores SET band = 'low'", "permission denied"),
        ("CREATE TABLE evil (x int)", "permission denied"),
    ]:
        with pytest.raises(DBAPIError, match=refusal), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        owned = connection.execute(
            text("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        ).scalar_one()
    assert owned == 0
    assert verify_audit_chain(engine).ok
    engine.dispose()
