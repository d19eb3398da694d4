"""A trained world whose moderators decided the top of the queue and its exploration picks."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from risk.service.exploration import ExplorationPlan
from risk.service.queue import day_picks
from risk.store.db import open_store
from risk.store.decisions import record_decision
from risk.store.scores import review_queue
from tests.api.world import World, build_world, copy_world
from tests.trained_world import TrainedWorld, fingerprint

PLAN = ExplorationPlan(capacity=100, share=0.2, seed=7)


def decide_like_the_world(engine: Engine, world: World, *, top: int) -> int:
    """Moderators decide the top of the pending queue and the run's exploration picks from the
    world's labels (confirm = scheme, dismiss = legitimate); returns how many were decided."""
    labels = pd.read_parquet(world.snapshot_dir / "labels.parquet")
    label_of = labels.set_index("account_id")["label"].astype(int)
    queue = review_queue(engine, limit=top).items
    picks = day_picks(engine=engine, run_id=world.run_id, plan=PLAN)["account_id"].tolist()
    accounts = [item.account_id for item in queue] + picks
    for account in dict.fromkeys(accounts):
        decision = "confirm" if label_of[account] == 1 else "dismiss"
        record_decision(engine, account_id=account, decision=decision, note=None, reviewer="sim")
    return len(set(accounts))


@pytest.fixture(scope="session")
def decided_world(
    trained_world: TrainedWorld, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The trained world scored, its queue top and exploration picks decided: built once per
    session (scoring and 1,000 decisions take seconds); tests work on a copy (``decided``)."""
    world = build_world(tmp_path_factory.mktemp("decided-world"), trained_world)
    engine = open_store(world.store_url)
    decide_like_the_world(engine, world, top=1000)
    engine.dispose()
    gc.collect()  # run_scoring's own engine (never disposed) lets go of the store when collected
    store = world.store_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(store)) as connection:
        # a rollback journal, not WAL: copying it then leaves the template's files as they are
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    assert mode == "delete", f"{store} is still open elsewhere (journal mode {mode})"
    built = fingerprint(world.home)
    yield world
    assert fingerprint(world.home) == built, (
        f"a test changed the shared decided world under {world.home}: work on a copy"
    )


@pytest.fixture
def decided(decided_world: World, tmp_path: Path) -> Iterator[tuple[World, Engine]]:
    """A private copy of the decided world (store and MLflow store) and an engine on it."""
    world = copy_world(decided_world, tmp_path / "world")
    engine = open_store(world.store_url)
    yield world, engine
    engine.dispose()
