"""The score row is declared once (risk.store.records.ScoreRow); every other shape derives."""

from __future__ import annotations

from dataclasses import fields

from api.schemas import QueueOut
from risk.scoring.table import RUN_TABLE_COLUMNS, STORED_COLUMNS
from risk.service.accounts import AccountOut
from risk.store.bulk import SCORE_COLUMNS
from risk.store.records import SCORE_ROW_COLUMNS, ScoreRecord
from risk.store.schema import scores_table


def test_the_scores_table_holds_the_score_row_and_the_account_views_values() -> None:
    assert {c.name for c in scores_table.columns} == {"run_id", *SCORE_COLUMNS}
    assert set(SCORE_COLUMNS) == {*SCORE_ROW_COLUMNS, "features", "percentiles"}


def test_the_run_table_writes_exactly_the_score_row() -> None:
    assert ("account_id", *STORED_COLUMNS) == SCORE_ROW_COLUMNS
    assert set(RUN_TABLE_COLUMNS) == {*SCORE_ROW_COLUMNS, "as_of"} - {"account_id"}


def test_the_record_and_the_api_shapes_extend_the_score_row() -> None:
    for shape in (ScoreRecord, AccountOut):
        assert tuple(f.name for f in fields(shape))[: len(SCORE_ROW_COLUMNS)] == SCORE_ROW_COLUMNS
    item = QueueOut.model_json_schema()["$defs"]["QueueItem"]["properties"]
    assert list(item) == [*SCORE_ROW_COLUMNS, "decision", "decided_at", "reason"]
