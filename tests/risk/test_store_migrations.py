"""Migrations: the schema is created once and re-running them changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, text

from risk.store.db import migrate, open_store
from tests.risk.conftest import RunWriter, make_scores

TABLES = {"scoring_runs", "scores", "decisions", "audit_log", "api_keys", "alembic_version"}


def test_migrate_is_idempotent(store_engine: Engine, store_url: str) -> None:
    migrate(store_engine)
    again = open_store(store_url)
    try:
        with again.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert [row[0] for row in versions] == ["0008_integrity"]
        assert set(inspect(again).get_table_names()) >= TABLES
    finally:
        again.dispose()


def test_query_indexes_exist(store_engine: Engine) -> None:
    indexes = {index["name"] for index in inspect(store_engine).get_indexes("scores")}
    assert {"ix_scores_account_run", "ix_scores_run_band_score", "ix_scores_run_rank"} <= indexes


def test_sqlite_pragmas(sqlite_store_url: str) -> None:
    engine = open_store(sqlite_store_url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        engine.dispose()


def _downgrade(store_engine: Engine, revision: str) -> None:
    """Take the store down to ``revision`` with the project's own migration scripts."""
    from alembic import command
    from alembic.config import Config

    import risk.store.db

    config = Config()
    config.set_main_option(
        "script_location", str(Path(risk.store.db.__file__).with_name("migrations"))
    )
    with store_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_role_columns_come_and_go_with_revision_0004(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    from risk.store.scores import review_queue

    publish_scores(make_scores(8, seed=2))
    _downgrade(store_engine, "0003")
    columns = {column["name"] for column in inspect(store_engine).get_columns("scores")}
    assert not {"role", "role_probability"} & columns
    migrate(store_engine)  # back to head: the earlier run's rows are kept, their roles NULL
    indexes = {index["name"] for index in inspect(store_engine).get_indexes("scores")}
    assert "ix_scores_run_role_rank" in indexes
    page = review_queue(store_engine, decision_status="all")
    assert page.total == 8 and {item.role for item in page.items} == {None}


def test_group_score_columns_come_and_go_with_revision_0005(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    from risk.store.scores import review_queue

    publish_scores(make_scores(8, seed=3))
    _downgrade(store_engine, "0004")
    columns = {column["name"] for column in inspect(store_engine).get_columns("scores")}
    assert not {"network_score", "branch_score"} & columns
    migrate(store_engine)  # back to head: the earlier run's rows are kept, their scores NULL
    page = review_queue(store_engine, decision_status="all")
    assert page.total == 8
    assert {(item.network_score, item.branch_score) for item in page.items} == {(None, None)}
