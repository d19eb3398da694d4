"""Group commit: requests arriving together share a transaction, each answered after its commit."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from functools import partial

import pytest
from sqlalchemy import Connection, Engine, event

from risk.store.audit import append_audit_in, list_audit, verify_audit_chain
from risk.store.db import open_store
from risk.store.gate import WriteGate, gate_for
from risk.store.group_commit import GroupCommitter
from risk.store.scores import view_account_in
from tests.risk.conftest import RunWriter, make_scores


@pytest.fixture
def committer(store_engine: Engine) -> Iterator[GroupCommitter]:
    gate = gate_for(store_engine)
    committer = GroupCommitter(store_engine, gate)
    yield committer
    committer.close()
    gate.close()


def _count_commits(engine: Engine) -> list[int]:
    commits = [0]

    def on_commit(_connection: Connection) -> None:
        commits[0] += 1

    event.listen(engine, "commit", on_commit)
    return commits


def _audited(connection: Connection, target: str) -> str:
    append_audit_in(connection, actor="tester", action="test.work", target=target, details=None)
    return target


def _fails(connection: Connection, target: str) -> str:
    _audited(connection, target)
    raise ValueError(f"work for {target} failed")


def test_views_arriving_together_share_one_commit_and_all_are_audited(
    store_engine: Engine, committer: GroupCommitter, publish_scores: RunWriter
) -> None:
    run_id = publish_scores(make_scores(40))
    commits = _count_commits(store_engine)
    accounts = [f"acct-{i:05d}" for i in range(40)]

    async def view_all() -> list[str | None]:
        # The gate is taken, so all 40 requests queue behind it as concurrent requests would.
        with committer.gate.hold():
            pending = [
                asyncio.ensure_future(
                    committer.run(partial(view_account_in, account_id=a, actor="mod-1"))
                )
                for a in accounts
            ]
            await asyncio.sleep(0.2)
            assert not any(task.done() for task in pending)  # nothing answered before a commit
        records = await asyncio.gather(*pending)
        return [None if r is None else r.account_id for r in records]

    assert asyncio.run(view_all()) == accounts
    assert commits[0] <= 3  # the first may go alone; the rest arrive while it waits
    views = list_audit(store_engine, actor="mod-1", limit=100)
    assert sorted(e.target for e in views if e.action == "account.view") == accounts  # type: ignore[type-var]
    assert all(e.details == {"run_id": run_id, "found": True} for e in views)
    assert verify_audit_chain(store_engine).ok


def test_an_answer_comes_only_after_its_audit_entry_is_committed(
    store_url: str, committer: GroupCommitter
) -> None:
    other = open_store(store_url)  # a separate connection pool sees only committed data

    async def one() -> None:
        await committer.run(partial(_audited, target="seen-by-others"))
        assert [e.target for e in list_audit(other, actor="tester")] == ["seen-by-others"]

    try:
        asyncio.run(one())
    finally:
        other.dispose()


def test_one_failing_request_does_not_take_the_others_with_it(
    store_engine: Engine, committer: GroupCommitter
) -> None:
    async def batch() -> list[object]:
        with committer.gate.hold():
            pending = [
                asyncio.ensure_future(committer.run(partial(work, target=name)))
                for work, name in ((_audited, "a"), (_fails, "b"), (_audited, "c"))
            ]
            await asyncio.sleep(0.2)
        return await asyncio.gather(*pending, return_exceptions=True)

    a, b, c = asyncio.run(batch())
    assert (a, c) == ("a", "c")
    assert isinstance(b, ValueError) and "work for b failed" in str(b)
    # The failed request's write was rolled back; the others' were committed once each.
    assert sorted(e.target for e in list_audit(store_engine, actor="tester")) == ["a", "c"]  # type: ignore[type-var]
    assert verify_audit_chain(store_engine).ok


def test_close_finishes_the_work_already_queued(store_engine: Engine) -> None:
    committer = GroupCommitter(store_engine, WriteGate())

    async def queue_then_close() -> list[str]:
        pending = [
            asyncio.ensure_future(committer.run(partial(_audited, target=str(i)))) for i in range(5)
        ]
        await asyncio.sleep(0)  # the requests are queued...
        closing = asyncio.get_running_loop().run_in_executor(None, committer.close)
        results = await asyncio.gather(*pending)  # ...and still answered
        await closing
        return results

    assert asyncio.run(queue_then_close()) == ["0", "1", "2", "3", "4"]
    assert len(list_audit(store_engine, actor="tester")) == 5
