"""Migrations: the schema is created once and re-running them changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from risk.store.db import migrate, open_store
from tests.risk.conftest import RunWriter, make_scores

TABLES = {"scoring_runs", "scores", "decisions", "audit_log", "api_keys", "alembic_version"}
CASE_TABLES = {
    "cases",
    "case_accounts",
    "case_events",
    "case_proposals",
    "enforcement_actions",
    "appeals",
    "qa_reviews",
    "webhook_subscriptions",
    "webhook_deliveries",
    "webhook_attempts",
}


def test_migrate_is_idempotent(store_engine: Engine, store_url: str) -> None:
    migrate(store_engine)
    again = open_store(store_url)
    try:
        with again.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        assert [row[0] for row in versions] == ["0009_run_values"]
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


def test_feedback_tables_come_and_go_with_revision_0006(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    from risk.store.decisions import list_decisions, record_decision

    publish_scores(make_scores(4, seed=4))
    record_decision(
        store_engine, account_id="acct-00000", decision="confirm", note=None, reviewer="m"
    )
    _downgrade(store_engine, "0005")
    assert not {"decision_imports", "exploration_picks", "shadow_runs", "shadow_scores"} & set(
        inspect(store_engine).get_table_names()
    )
    columns = {column["name"] for column in inspect(store_engine).get_columns("decisions")}
    assert "import_id" not in columns
    migrate(store_engine)  # back to head: the decision is kept, from no import
    [decision] = list_decisions(store_engine)
    assert (decision.account_id, decision.import_id) == ("acct-00000", None)


def test_case_tables_come_and_go_with_revision_0007_until_a_case_exists(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    from risk.cases.opening import sync_run_cases

    _downgrade(store_engine, "0005")
    assert not CASE_TABLES & set(inspect(store_engine).get_table_names())
    migrate(store_engine)
    assert set(inspect(store_engine).get_table_names()) >= CASE_TABLES
    publish_scores(make_scores(12, seed=4))
    assert sync_run_cases(
        store_engine, run_id=None, sla_hours={"critical": 1, "high": 1, "medium": 1}
    ).opened
    # Moderators' work is never dropped by a migration.
    with pytest.raises(RuntimeError, match=r"holds \d+ case\(s\)"):
        _downgrade(store_engine, "0005")
    assert set(inspect(store_engine).get_table_names()) >= CASE_TABLES
