"""A trained world whose moderators decided the top of the queue and its exploration picks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from risk.service.exploration import ExplorationPlan
from risk.service.queue import day_picks
from risk.store.db import open_store
from risk.store.decisions import record_decision
from risk.store.scores import review_queue
from tests.api.world import World, build_world
from tests.trained_world import TrainedWorld

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


@pytest.fixture
def decided(trained_world: TrainedWorld, tmp_path: Path) -> Iterator[tuple[World, Engine]]:
    world = build_world(tmp_path / "world", trained_world)
    engine = open_store(world.store_url)
    decide_like_the_world(engine, world, top=1000)
    yield world, engine
    engine.dispose()
