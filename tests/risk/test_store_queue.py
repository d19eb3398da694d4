"""The review queue: filters, pagination, pending/decided, and network views."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from risk.errors import RunNotFoundError, StoreInputError
from risk.store.decisions import record_decision
from risk.store.scores import network_scores, review_queue
from tests.risk.conftest import RunWriter, make_scores


def test_empty_store_has_an_empty_queue(store_engine: Engine) -> None:
    page = review_queue(store_engine)
    assert page.items == [] and page.total == 0
    with pytest.raises(RunNotFoundError):
        review_queue(store_engine, run_id="missing")


def test_filters_and_pagination(store_engine: Engine, publish_scores: RunWriter) -> None:
    scores = make_scores(60, seed=3)
    publish_scores(scores)
    high = scores[scores["band"].isin(["high", "critical"])]
    page = review_queue(store_engine, bands=["high", "critical"], decision_status="all", limit=5)
    assert page.total == len(high)
    assert [item.account_id for item in page.items] == high["account_id"].tolist()[:5]
    pages = [
        review_queue(store_engine, decision_status="all", limit=7, offset=offset)
        for offset in range(0, 60, 7)
    ]
    walked = [item.account_id for page in pages for item in page.items]
    assert walked == scores["account_id"].tolist()
    assert all(page.total == 60 for page in pages)
    region = review_queue(store_engine, region="江苏", decision_status="all", limit=100)
    assert region.total == int((scores["region"] == "江苏").sum())
    assert {item.region for item in region.items} == {"江苏"}
    network = review_queue(store_engine, network_id="net-1", decision_status="all", limit=100)
    assert {item.network_id for item in network.items} == {"net-1"}
    ranks = [item.rank for item in network_scores(store_engine, "net-1")]
    assert ranks == sorted(ranks) and len(ranks) == network.total


def test_decided_filter(store_engine: Engine, publish_scores: RunWriter) -> None:
    publish_scores(make_scores(10))
    record_decision(
        store_engine, account_id="acct-00002", decision="confirm", note=None, reviewer="mod-a"
    )
    record_decision(
        store_engine, account_id="acct-00002", decision="escalate", note="再看", reviewer="mod-b"
    )
    pending = review_queue(store_engine)
    decided = review_queue(store_engine, decision_status="decided")
    assert pending.total == 9 and "acct-00002" not in {i.account_id for i in pending.items}
    assert [item.account_id for item in decided.items] == ["acct-00002"]
    assert decided.items[0].decision == "escalate"
    assert review_queue(store_engine, decision_status="all").total == 10


def test_bad_queue_arguments(store_engine: Engine, publish_scores: RunWriter) -> None:
    publish_scores(make_scores(3))
    for bad in ({"bands": ["severe"]}, {"decision_status": "maybe"}, {"limit": 0}, {"offset": -1}):
        with pytest.raises(StoreInputError):
            review_queue(store_engine, **bad)  # type: ignore[arg-type]


def _with_roles(scores):  # type: ignore[no-untyped-def]
    """Roles for accounts at band medium and up (cycling), none below, as scoring stores them."""
    flagged = (scores["band"] != "low").to_numpy()
    cycle = ["organizer", "recruiter", "participant"]
    roles = [cycle[i % 3] if flagged[i] else None for i in range(len(scores))]
    probability = [0.5 + (i % 5) / 10 if flagged[i] else None for i in range(len(scores))]
    return scores.assign(role=roles, role_probability=probability)


def test_role_is_stored_and_filters_the_queue(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    from risk.store.scores import get_account_score, scores_frame

    scores = _with_roles(make_scores(60, seed=4))
    run_id = publish_scores(scores)
    recruiters = scores[scores["role"] == "recruiter"]
    page = review_queue(store_engine, roles=["recruiter"], decision_status="all", limit=100)
    assert page.total == len(recruiters) > 0
    assert [item.account_id for item in page.items] == recruiters["account_id"].tolist()
    assert {item.role for item in page.items} == {"recruiter"}
    first = recruiters.iloc[0]
    assert page.items[0].role_probability == pytest.approx(first["role_probability"])
    low = scores[scores["role"].isna()].iloc[0]
    unflagged = get_account_score(store_engine, low["account_id"])
    assert unflagged is not None and unflagged.role is None and unflagged.role_probability is None
    both = review_queue(
        store_engine, roles=["organizer"], bands=["critical"], decision_status="all", limit=100
    )
    expected = scores[(scores["role"] == "organizer") & (scores["band"] == "critical")]
    assert both.total == len(expected)
    frame = scores_frame(store_engine, run_id)
    assert frame["role"].tolist() == scores["role"].tolist()
    with pytest.raises(StoreInputError, match=r"unknown role\(s\) boss"):
        review_queue(store_engine, roles=["boss"])


def test_scores_written_without_roles_have_none(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    publish_scores(make_scores(10, seed=5))
    page = review_queue(store_engine, decision_status="all")
    assert {(item.role, item.role_probability) for item in page.items} == {(None, None)}
    assert review_queue(store_engine, roles=["organizer"]).total == 0
