"""Store fixtures: a migrated SQLite file or a fresh PostgreSQL database per test.

The PostgreSQL tests skip (saying why) when no server answers on 127.0.0.1:5432, except under
CI=true where an unreachable server fails them: CI must never silently lose a backend.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from risk.store.db import open_store
from risk.store.runs import begin_run, publish_run, write_scores

PG_SERVER = os.environ.get("RISK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
STORE_TABLES = (
    "shadow_scores",
    "shadow_runs",
    "exploration_picks",
    "decision_imports",
    "qa_reviews",
    "webhook_attempts",
    "webhook_deliveries",
    "webhook_subscriptions",
    "appeals",
    "enforcement_actions",
    "case_proposals",
    "case_events",
    "case_accounts",
    "cases",
    "scores",
    "decisions",
    "audit_log",
    "console_sessions",
    "api_keys",
    "scoring_runs",
)
AS_OF = datetime(2026, 6, 30, 23, 59, tzinfo=UTC)


def _pg_admin_execute(sql: str) -> None:
    """Run one statement on the server's maintenance database, outside a transaction."""
    import psycopg

    dsn = PG_SERVER.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pg_available() -> None:
    """Skip (or, under CI=true, fail) when the PostgreSQL server is unreachable."""
    try:
        _pg_admin_execute("SELECT 1")
    except Exception as error:
        reason = f"PostgreSQL not reachable at {PG_SERVER}: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires PostgreSQL tests to run; {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite store, built once per test session and copied for each test."""
    path = tmp_path_factory.mktemp("store-template") / "risk.db"
    open_store(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def pg_database(pg_available: None) -> Iterator[str]:
    """This session's own migrated PostgreSQL database, dropped at the end of the session."""
    name = f"risk_test_{uuid.uuid4().hex[:12]}"
    _pg_admin_execute(f"CREATE DATABASE {name}")
    try:
        open_store(f"{PG_SERVER}/{name}").dispose()
        yield f"{PG_SERVER}/{name}"
    finally:
        _pg_admin_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def sqlite_store_url(sqlite_template: Path, tmp_path: Path) -> str:
    """URL of a fresh, migrated SQLite store in the test's temp dir."""
    path = tmp_path / "risk.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_store_url(pg_database: str) -> str:
    """URL of the session's PostgreSQL database, emptied for this test.

    Emptying (TRUNCATE, ~50 ms) instead of a database per test (~1 s: DROP DATABASE
    checkpoints) keeps the suite fast; replica mode lets it pass the append-only triggers.
    """
    import psycopg

    dsn = pg_database.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("SET session_replication_role = replica")
        connection.execute(f"TRUNCATE {', '.join(STORE_TABLES)} RESTART IDENTITY CASCADE")
    return pg_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """A fresh migrated store on each backend (the test runs once per backend)."""
    fixture = "sqlite_store_url" if request.param == "sqlite" else "postgres_store_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def store_engine(store_url: str) -> Iterator[Engine]:
    """An open engine on the fresh store (disposed after the test)."""
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def make_scores(count: int, *, seed: int = 0, networks: int = 3) -> pd.DataFrame:
    """A synthetic scores frame in the store's columns: ranks follow descending score."""
    import numpy as np

    rng = np.random.default_rng(seed)
    score = np.sort(rng.random(count))[::-1]
    band = np.select(
        [score >= 0.9, score >= 0.7, score >= 0.4], ["critical", "high", "medium"], "low"
    )
    ids = [f"acct-{i:05d}" for i in range(count)]
    return pd.DataFrame(
        {
            "account_id": ids,
            "network_id": [f"net-{i % networks}" for i in range(count)],
            "region": ["江苏" if i % 2 else "浙江" for i in range(count)],
            "tier": [i % 4 for i in range(count)],
            "score": score,
            "band": band,
            "rank": np.arange(1, count + 1),
            "reasons": [[{"feature": "recruits_30d", "text": "近30天拉人头 12 人"}]] * count,
            "indicators": [[]] * count,
            "features": [{"recruits_30d": float(i), "downline_size": i * 2} for i in range(count)],
            "percentiles": [{"recruits_30d": 50.0}] * count,
        }
    )


RunWriter = Callable[..., str]


@pytest.fixture
def publish_scores(store_engine: Engine) -> RunWriter:
    """Begin, write and publish a run of given scores; returns the run id."""

    def _publish(scores: pd.DataFrame, **key: Any) -> str:
        values = {
            "as_of": AS_OF,
            "model_name": "mlm-risk",
            "model_version": "1",
            "model_run_id": "mlflow-run",
            "data_fingerprint": uuid.uuid4().hex,
            "snapshot_path": "/data/snap",
            **key,
        }
        run_id = begin_run(store_engine, **values)
        write_scores(store_engine, run_id, scores)
        publish_run(
            store_engine,
            run_id,
            accounts_scored=len(scores),
            counts={"critical": int((scores["band"] == "critical").sum())},
            timings={"total": 1.0},
            drift=None,
        )
        return run_id

    return _publish
