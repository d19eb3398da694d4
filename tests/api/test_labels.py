"""Decisions become training labels: confirm = 1, dismiss = 0, escalate ignored, latest wins."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from risk.service.decisions import labels_from_decisions
from tests.api.world import World


def test_labels_from_decisions(world: World, tmp_path: Path) -> None:
    from risk.store.db import open_store
    from risk.store.decisions import record_decision
    from risk.store.scores import review_queue

    store = tmp_path / "risk.db"
    # The backup API copies what is still in the WAL file too (a file copy would not).
    source, target = (
        sqlite3.connect(world.store_url.removeprefix("sqlite:///")),
        sqlite3.connect(store),
    )
    source.backup(target)
    source.close()
    target.close()
    engine = open_store(f"sqlite:///{store}")
    before = labels_from_decisions(engine=engine)
    a, b, c, d = [
        i.account_id for i in review_queue(engine, decision_status="pending", limit=4).items
    ]
    for account, decision in [
        (a, "confirm"),
        (b, "dismiss"),
        (b, "confirm"),  # changed mind: the latest decision wins
        (c, "escalate"),  # not a label
        (d, "dismiss"),
        (d, "escalate"),  # escalating later does not undo the dismissal
    ]:
        record_decision(engine, account_id=account, decision=decision, note=None, reviewer="t")
    labels = labels_from_decisions(engine=engine)
    engine.dispose()
    new = labels[~labels["account_id"].isin(before["account_id"])]
    assert dict(zip(new["account_id"], new["label"], strict=True)) == {a: 1, b: 1, d: 0}
    assert str(labels["label"].dtype) == "int64"
    assert labels["account_id"].is_unique
