"""The queue's default order: likely organizers and recruiters of the riskiest networks first,
networks taking turns, then the other flagged accounts, then the rest by score; the score order
one parameter away; the flagged work left; the next account after a decision."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from risk.errors import StoreInputError
from risk.service.queue import NETWORK_TURN, next_in_queue, priority_order, queue_page
from risk.store.decisions import record_decision
from risk.store.records import QueueKey
from tests.risk.conftest import RunWriter, make_scores

SELECT: dict[str, Any] = {
    "bands": None,
    "region": None,
    "network_id": None,
    "decision_status": "pending",
    "roles": None,
}


def _key(account: str, network: str | None, score: float, role: str | None, net: float) -> QueueKey:
    band = "critical" if score >= 0.9 else "high" if score >= 0.7 else "medium"
    return QueueKey(account, network, band, score, 0, role, net)  # type: ignore[arg-type]


def test_organizers_and_recruiters_first_networks_take_turns_riskiest_first() -> None:
    # Network A (riskier) has 5 recruiters and an organizer scored below them; B has 2.
    keys = [_key(f"a-r{i}", "A", 0.99 - i / 100, "recruiter", 0.95) for i in range(5)]
    keys += [_key("a-org", "A", 0.80, "organizer", 0.95)]
    keys += [_key("a-p", "A", 0.999, "participant", 0.95)]
    keys += [_key("b-org", "B", 0.75, "organizer", 0.90), _key("b-r", "B", 0.72, "recruiter", 0.9)]
    keys += [_key("lone", None, 0.97, "participant", 0.97)]
    order = [k.account_id for k in priority_order(keys)]
    # Round 1: A's organizer and its two best recruiters, then B's organizer and recruiter.
    assert order[:NETWORK_TURN] == ["a-org", "a-r0", "a-r1"]
    assert order[NETWORK_TURN : NETWORK_TURN + 2] == ["b-org", "b-r"]
    # Round 2: A's next recruiters; only then the participants (lone riskiest by own score).
    assert order[5:8] == ["a-r2", "a-r3", "a-r4"]
    assert order[8:] == ["lone", "a-p"]


def test_one_network_never_fills_a_page() -> None:
    big = [_key(f"big-{i}", "BIG", 0.99, "recruiter", 0.99) for i in range(100)]
    small = [
        _key(f"n{n}-{i}", f"N{n}", 0.8, "recruiter", 0.8 - n / 100)
        for n in range(30)
        for i in range(2)
    ]
    first_page = priority_order(big + small)[:50]
    per_network = Counter(k.network_id for k in first_page)
    assert per_network["BIG"] == NETWORK_TURN
    assert len(per_network) > 15


def _scores_with_roles() -> pd.DataFrame:
    """60 accounts in 3 networks; the flagged half get roles: one organizer per network (its
    lowest flagged score), recruiters, participants."""
    scores = make_scores(60, seed=5)
    roles: list[str | None] = []
    for i, band in enumerate(scores["band"]):
        roles.append(None if band == "low" else "recruiter" if i % 4 == 1 else "participant")
    flagged = scores.index[scores["band"].isin(["high", "critical"])]
    for network in ("net-0", "net-1", "net-2"):
        last = max(i for i in flagged if scores.loc[i, "network_id"] == network)
        roles[last] = "organizer"
    network_score = scores.groupby("network_id")["score"].transform("max")
    return scores.assign(role=roles, role_probability=0.8, network_score=network_score)


def test_priority_pages_walk_every_account_once_and_score_order_is_one_parameter_away(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    scores = _scores_with_roles()
    publish_scores(scores)
    pages = [
        queue_page(engine=store_engine, limit=7, offset=offset, **SELECT)
        for offset in range(0, 63, 7)
    ]
    walked = [item for page in pages for item in page.items]
    assert sorted(i.account_id for i in walked) == sorted(scores["account_id"])
    assert {page.total for page in pages} == {60} and pages[0].order == "priority"
    # Organizers and recruiters lead, the riskiest network's organizer first.
    riskiest = scores.loc[scores["role"] == "organizer"].sort_values("network_score").iloc[-1]
    assert walked[0].account_id == riskiest["account_id"]
    actionable = int(scores["role"].isin(["organizer", "recruiter"]).sum())
    assert {i.role for i in walked[:actionable]} == {"organizer", "recruiter"}
    head = [
        i for i in walked if i.role in ("organizer", "recruiter") or i.band in ("high", "critical")
    ]
    assert walked[: len(head)] == head
    rest = [i.score for i in walked[len(head) :]]
    assert rest == sorted(rest, reverse=True)
    by_score = queue_page(engine=store_engine, order="score", limit=60, offset=0, **SELECT)
    assert [i.account_id for i in by_score.items] == scores["account_id"].tolist()
    assert by_score.order == "score"
    with pytest.raises(StoreInputError, match="unknown order"):
        queue_page(engine=store_engine, order="newest", limit=5, offset=0, **SELECT)


def test_flagged_work_left_and_the_next_account_after_a_decision(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    scores = _scores_with_roles()
    publish_scores(scores)
    flagged = int(scores["band"].isin(["high", "critical"]).sum())
    page = queue_page(engine=store_engine, limit=5, offset=0, **{**SELECT, "bands": ["low"]})
    assert page.flagged_left == flagged  # counts the flagged work, whatever the filters
    before = queue_page(engine=store_engine, limit=10, offset=0, **SELECT).items
    decided = before[3].account_id
    record_decision(store_engine, account_id=decided, decision="confirm", note=None, reviewer="m")
    following = next_in_queue(engine=store_engine, decided=decided, position=3, **SELECT)
    assert following == before[4].account_id
    after = queue_page(engine=store_engine, limit=5, offset=0, **SELECT)
    assert after.flagged_left == flagged - (before[3].band in ("high", "critical"))
    # In a queue of every status the decided account stays: the next is the one after it.
    everything = {**SELECT, "decision_status": "all"}
    assert next_in_queue(engine=store_engine, decided=decided, position=3, **everything) == (
        before[4].account_id
    )
    last = queue_page(engine=store_engine, limit=1, offset=58, **SELECT).items[0].account_id
    assert next_in_queue(engine=store_engine, decided=last, position=58, **SELECT) is None


def test_pages_do_not_reread_the_flagged_accounts_and_still_see_new_decisions(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    """The head of a published run is read once per filters, not on every page (statements
    counted); a decision still leaves the pending queue at once, and "decided" lists it."""
    from sqlalchemy import event

    publish_scores(_scores_with_roles())
    queue_page(engine=store_engine, limit=7, offset=0, **SELECT)  # reads and keeps the head
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(store_engine, "before_cursor_execute", seen)
    try:
        first = queue_page(engine=store_engine, limit=7, offset=0, **SELECT)
        queue_page(engine=store_engine, limit=7, offset=7, **SELECT)
    finally:
        event.remove(store_engine, "before_cursor_execute", seen)
    # The head query selects only the order's key columns (network_score among them).
    assert not [s for s in statements if "network_score" in s and "FROM scores" in s
                and "reasons" not in s], statements  # fmt: skip
    decided = first.items[0].account_id
    record_decision(store_engine, account_id=decided, decision="dismiss", note=None, reviewer="m")
    after = queue_page(engine=store_engine, limit=7, offset=0, **SELECT)
    assert decided not in [i.account_id for i in after.items] and after.total == first.total - 1
    shown = queue_page(engine=store_engine, limit=60, offset=0,
                       **{**SELECT, "decision_status": "decided"})  # fmt: skip
    assert [i.account_id for i in shown.items] == [decided]
