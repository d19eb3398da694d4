"""Network views kept per (run, network): a second view reads no score, a new run is seen at
once, the cache stays bounded, every view is audited; the console's network page (both
backends)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event

from risk.service.errors import NetworkNotFoundError
from risk.service.networks import NetworkViewCache, network_case, network_view
from risk.store.audit import list_audit
from risk.store.decisions import record_decision
from tests.risk.conftest import RunWriter, make_scores

READS_SCORES = re.compile(r"\bscores\b", re.IGNORECASE)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while inside."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])  # (conn, cursor, statement, parameters, context, executemany)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _scores_read(sent: list[str]) -> list[str]:
    return [statement for statement in sent if READS_SCORES.search(statement)]


def test_a_kept_view_reads_no_score_and_is_still_audited(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    publish_scores(make_scores(90, networks=3))
    cache = NetworkViewCache()
    with statements(store_engine) as first:
        computed = network_view(engine=store_engine, network_id="net-1", actor="mod-a", cache=cache)
    with statements(store_engine) as second:
        kept = network_view(engine=store_engine, network_id="net-1", actor="mod-b", cache=cache)
    assert _scores_read(first) and not _scores_read(second)
    uncached = network_view(engine=store_engine, network_id="net-1", actor="mod-c")
    assert kept == computed == uncached
    actors = [entry.actor for entry in list_audit(store_engine, target="net-1")]
    assert actors == ["mod-c", "mod-b", "mod-a"]


def test_a_newly_published_run_is_seen_at_once(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    cache = NetworkViewCache()
    first_run = publish_scores(make_scores(90, networks=3))
    before = network_view(engine=store_engine, network_id="net-1", actor="mod-a", cache=cache)
    second_run = publish_scores(make_scores(40, seed=5, networks=2))
    after = network_view(engine=store_engine, network_id="net-1", actor="mod-a", cache=cache)
    assert (before["run_id"], after["run_id"]) == (first_run, second_run)
    assert (before["accounts"], after["accounts"]) == (30, 20)
    with pytest.raises(NetworkNotFoundError):  # in the old run only: not kept from it
        network_view(engine=store_engine, network_id="net-2", actor="mod-a", cache=cache)
    assert list_audit(store_engine, target="net-2")[0].details == {"run_id": None, "accounts": 0}


def test_the_least_recently_used_view_is_dropped(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    publish_scores(make_scores(90, networks=3))
    cache = NetworkViewCache(size=2)
    for network in ("net-0", "net-1", "net-0", "net-2"):  # net-1 is then the oldest used
        network_view(engine=store_engine, network_id=network, actor="mod-a", cache=cache)
    assert len(cache) == 2
    with statements(store_engine) as sent:
        network_view(engine=store_engine, network_id="net-0", actor="mod-a", cache=cache)
        network_view(engine=store_engine, network_id="net-2", actor="mod-a", cache=cache)
    assert not _scores_read(sent)
    with statements(store_engine) as sent:
        network_view(engine=store_engine, network_id="net-1", actor="mod-a", cache=cache)
    assert _scores_read(sent)


def test_the_network_page_reads_decisions_fresh_beside_a_kept_view(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    scores = make_scores(90, networks=3)
    publish_scores(scores)
    cache = NetworkViewCache()
    before = network_case(engine=store_engine, network_id="net-0", actor="mod-a", cache=cache)
    flagged = before.view["flagged"]
    assert before.decided == 0 and before.flagged_pending == flagged > 2
    assert {a["decision"] for a in before.flagged_accounts} == {None}
    first, second = (a["account_id"] for a in before.flagged_accounts[:2])
    low = scores[(scores["network_id"] == "net-0") & (scores["band"] == "low")]["account_id"]
    decided = (
        (first, "confirm"),
        (second, "escalate"),
        (low.iloc[0], "dismiss"),
        (first, "dismiss"),
    )
    for account, decision in decided:
        record_decision(
            store_engine, account_id=account, decision=decision, note=None, reviewer="m"
        )
    after = network_case(engine=store_engine, network_id="net-0", actor="mod-a", cache=cache)
    shown = {a["account_id"]: a["decision"] for a in after.flagged_accounts}
    assert (shown[first], shown[second]) == ("dismiss", "escalate")  # the latest decision
    assert after.decided == 3 and after.flagged_pending == flagged - 2
    assert after.depth == 3 and after.unlisted_flagged == 0
    assert "decision" not in cache.get(after.view["run_id"], "net-0")["flagged_accounts"][0]
