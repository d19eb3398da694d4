"""Run lifecycle: written under its own id, visible only once published, reruns reuse it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from risk.errors import RunNotFoundError, StoreConflictError, StoreInputError
from risk.store.runs import (
    begin_run,
    fail_run,
    find_published_run,
    get_run,
    latest_published_run,
    list_runs,
    publish_run,
    write_scores,
)
from risk.store.schema import scores_table
from risk.store.scores import get_account_score, review_queue, scores_frame
from tests.risk.conftest import AS_OF, RunWriter, make_scores

KEY = {
    "data_fingerprint": "fp-1",
    "as_of": AS_OF,
    "model_name": "mlm-risk",
    "model_version": "3",
}


def _begin(engine: Engine, **override: object) -> str:
    return begin_run(
        engine,
        model_run_id="r",
        snapshot_path="/snap",
        **{**KEY, **override},  # type: ignore[arg-type]
    )


def _score_rows(engine: Engine, run_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(scores_table).where(scores_table.c.run_id == run_id)
        ).scalar_one()


def test_unpublished_run_is_invisible_while_previous_serves(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    first = publish_scores(make_scores(20, seed=1))
    second = _begin(store_engine)
    write_scores(store_engine, second, make_scores(30, seed=2))
    assert latest_published_run(store_engine).id == first  # type: ignore[union-attr]
    assert get_account_score(store_engine, "acct-00025") is None
    assert get_account_score(store_engine, "acct-00005").run_id == first  # type: ignore[union-attr]
    assert review_queue(store_engine, decision_status="all").total == 20
    published = publish_run(
        store_engine, second, accounts_scored=30, counts={"x": 1}, timings={}, drift=None
    )
    assert published.status == "published" and published.published_at is not None
    assert latest_published_run(store_engine).id == second  # type: ignore[union-attr]
    assert review_queue(store_engine, decision_status="all").total == 30


def test_fail_run_drops_scores_and_keeps_previous(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    first = publish_scores(make_scores(5))
    run_id = _begin(store_engine)
    write_scores(store_engine, run_id, make_scores(8))
    fail_run(store_engine, run_id, "model exploded")
    failed = get_run(store_engine, run_id)
    assert failed is not None and failed.status == "failed" and failed.error == "model exploded"
    assert _score_rows(store_engine, run_id) == 0
    assert latest_published_run(store_engine).id == first  # type: ignore[union-attr]
    with pytest.raises(StoreConflictError):
        write_scores(store_engine, run_id, make_scores(2))


def test_rebegin_same_key_clears_leftovers_and_rerun_is_identical(store_engine: Engine) -> None:
    crashed = _begin(store_engine)
    write_scores(store_engine, crashed, make_scores(40).iloc[:25])
    rerun = _begin(store_engine)
    assert _score_rows(store_engine, crashed) == 0
    assert get_run(store_engine, crashed).status == "failed"  # type: ignore[union-attr]
    write_scores(store_engine, rerun, make_scores(40))
    publish_run(store_engine, rerun, accounts_scored=40, counts={}, timings={}, drift=None)
    found = find_published_run(store_engine, **KEY)  # type: ignore[arg-type]
    assert found is not None and found.id == rerun
    with pytest.raises(StoreConflictError, match="already published"):
        _begin(store_engine)
    stored = scores_frame(store_engine, rerun)
    expected = make_scores(40)
    assert stored["score"].tolist() == expected["score"].tolist()
    assert stored["features"].tolist() == expected["features"].tolist()


def test_find_published_run_matches_the_whole_key(store_engine: Engine) -> None:
    run_id = _begin(store_engine)
    assert find_published_run(store_engine, **KEY) is None  # type: ignore[arg-type]
    write_scores(store_engine, run_id, make_scores(3))
    publish_run(store_engine, run_id, accounts_scored=3, counts={}, timings={}, drift=None)
    naive = AS_OF.replace(tzinfo=None)  # a naive time is UTC (data contract)
    assert find_published_run(store_engine, **{**KEY, "as_of": naive}) is not None  # type: ignore[arg-type]
    for change in (
        {"model_version": "4"},
        {"data_fingerprint": "fp-2"},
        {"as_of": AS_OF + timedelta(seconds=1)},
    ):
        assert find_published_run(store_engine, **{**KEY, **change}) is None  # type: ignore[arg-type]


def test_publish_refuses_count_mismatch_and_republish(store_engine: Engine) -> None:
    run_id = _begin(store_engine)
    write_scores(store_engine, run_id, make_scores(4))
    with pytest.raises(StoreConflictError, match="4 scores written"):
        publish_run(store_engine, run_id, accounts_scored=5, counts={}, timings={}, drift=None)
    assert latest_published_run(store_engine) is None
    publish_run(store_engine, run_id, accounts_scored=4, counts={}, timings={}, drift=None)
    with pytest.raises(StoreConflictError):
        publish_run(store_engine, run_id, accounts_scored=4, counts={}, timings={}, drift=None)
    with pytest.raises(StoreConflictError):
        fail_run(store_engine, run_id, "too late")
    with pytest.raises(RunNotFoundError):
        fail_run(store_engine, "nope", "x")


def test_write_scores_refuses_bad_frames(store_engine: Engine) -> None:
    run_id = _begin(store_engine)
    with pytest.raises(StoreInputError, match="band"):
        write_scores(store_engine, run_id, make_scores(3).drop(columns="band"))
    doubled = pd.concat([make_scores(3), make_scores(3).iloc[[1]]], ignore_index=True)
    with pytest.raises(StoreInputError, match="row 3: account_id 'acct-00001' repeats"):
        write_scores(store_engine, run_id, doubled)
    write_scores(store_engine, run_id, make_scores(3))
    with pytest.raises(StoreConflictError, match="clash"):
        write_scores(store_engine, run_id, make_scores(3).iloc[[2]])
    assert _score_rows(store_engine, run_id) == 3


def test_missing_values_and_numpy_types_are_stored_as_null(store_engine: Engine) -> None:
    run_id = _begin(store_engine)
    frame = make_scores(2)
    frame.loc[0, "region"] = None
    frame["features"] = [{"recruits_30d": float("nan"), "n": 3}, {"recruits_30d": 1.5, "n": 4}]
    write_scores(store_engine, run_id, frame)
    stored = scores_frame(store_engine, run_id)
    assert pd.isna(stored.loc[0, "region"])
    assert get_account_score(store_engine, "acct-00000", run_id).region is None  # type: ignore[union-attr]
    assert stored["features"].tolist() == [
        {"recruits_30d": None, "n": 3},
        {"recruits_30d": 1.5, "n": 4},
    ]


def test_list_runs_newest_first(store_engine: Engine, publish_scores: RunWriter) -> None:
    older = publish_scores(make_scores(2))
    newer = _begin(store_engine, as_of=AS_OF + timedelta(days=1))
    runs = list_runs(store_engine)
    assert [run.id for run in runs] == [newer, older]
    assert runs[1].to_dict()["as_of"] == AS_OF.isoformat()
    assert runs[1].counts == {"critical": 0}


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(st.text(min_size=0, max_size=30), min_size=1, max_size=4),
    value=st.floats(allow_nan=False, allow_infinity=False),
)
def test_chinese_and_any_text_round_trip_in_json(
    store_engine: Engine, texts: list[str], value: float
) -> None:
    run_id = _begin(store_engine, data_fingerprint=f"fp-{datetime.now().timestamp()}")
    frame = make_scores(1)
    reasons = [{"feature": "拉人头", "text": f"下线 {text}", "value": value} for text in texts]
    frame["reasons"] = [reasons]
    frame["features"] = [{f"特征{i}": text for i, text in enumerate(texts)}]
    write_scores(store_engine, run_id, frame)
    stored = scores_frame(store_engine, run_id)
    assert stored.loc[0, "reasons"] == reasons
    assert stored.loc[0, "features"] == frame.loc[0, "features"]


def test_feature_frames_are_stored_like_dict_columns(store_engine: Engine) -> None:
    run_id = _begin(store_engine)
    scores = make_scores(4).drop(columns=["features", "percentiles"])
    scores["tier"] = [0.0, float("nan"), 2.0, 3.0]  # a tier with a gap arrives as float
    features = pd.DataFrame(
        {
            "recruits_30d": [1.5, float("nan"), 3.0, float("inf")],
            "downline_size": [1, 2, 3, 4],
            "is_active": [True, False, True, True],
        }
    )
    percentiles = pd.DataFrame({"recruits_30d": [10.0, 20.0, 30.0, 40.0]})
    write_scores(store_engine, run_id, scores, features=features, percentiles=percentiles)
    stored = scores_frame(store_engine, run_id)
    assert stored.loc[0, "features"] == {"recruits_30d": 1.5, "downline_size": 1, "is_active": True}
    assert stored.loc[1, "features"]["recruits_30d"] is None
    assert stored.loc[3, "features"]["recruits_30d"] is None
    assert stored["percentiles"].tolist() == percentiles.to_dict(orient="records")
    assert stored["tier"].tolist()[::2] == [0, 2] and pd.isna(stored["tier"].iloc[1])
    with pytest.raises(StoreInputError, match="3 rows"):
        write_scores(store_engine, run_id, scores, features=features.iloc[:3])
