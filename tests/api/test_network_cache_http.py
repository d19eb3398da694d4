"""The served network view is kept per (run, network) in the worker: a second GET reads no
score, a run published while the server runs is seen at once, every GET is audited.

Its own server on a copy of the world's store (a new run is published into it)."""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, event

from risk.settings import Settings
from risk.store.audit import list_audit
from risk.store.runs import begin_run, latest_published_run, publish_run, write_scores
from risk.store.scores import scores_frame
from tests.api.conftest import Keys, bearer, start_server
from tests.api.world import World

pytestmark = pytest.mark.slow
READS_SCORES = re.compile(r"\bscores\b", re.IGNORECASE)


@dataclass
class Served:
    url: str
    engine: Engine  # the server's own engine


@pytest.fixture
def served(world: World, keys: Keys, tmp_path: Path) -> Iterator[Served]:
    """A server (no model) on a consistent copy of the world's store, keys included."""
    copy = tmp_path / "risk.db"
    source = sqlite3.connect(world.store_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    settings = Settings.model_validate(
        {
            "home": str(tmp_path),
            "database_url": f"sqlite:///{copy}",
            "mlflow_tracking_uri": world.tracking_uri,
        }
    )
    started = start_server(settings, load_model=False)
    yield Served(started.url, started.server.config.app.state.risk.engine)
    started.stop()


def _scores_read(engine: Engine, get: Any) -> list[str]:
    """The statements reading the scores table while ``get()`` runs."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert get().status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [statement for statement in sent if READS_SCORES.search(statement)]


def _republish_without(engine: Engine, network: str, dropped: int) -> str:
    """Publish a new run: the latest one less ``dropped`` accounts of ``network``."""
    latest = latest_published_run(engine)
    assert latest is not None
    scores = scores_frame(engine, latest.id).drop(columns="run_id")
    members = scores.index[scores["network_id"] == network][:dropped]
    run_id = begin_run(
        engine,
        as_of=latest.as_of,
        model_name=latest.model_name,
        model_version=latest.model_version,
        model_run_id=None,
        data_fingerprint=uuid.uuid4().hex,
        snapshot_path=None,
    )
    kept = scores.drop(index=members).reset_index(drop=True)
    write_scores(engine, run_id, kept)
    publish_run(engine, run_id, accounts_scored=len(kept), counts={}, timings={}, drift=None)
    return run_id


def test_a_second_view_reads_no_score_and_a_new_run_is_seen_at_once(
    served: Served, keys: Keys, targets: dict[str, str]
) -> None:
    network = targets["network"]
    with httpx.Client(base_url=served.url, timeout=30, headers=bearer(keys.moderator)) as http:

        def view() -> httpx.Response:
            return http.get(f"/v1/networks/{network}")

        assert _scores_read(served.engine, view)
        first = view().json()
        assert not _scores_read(served.engine, view)
        new_run = _republish_without(served.engine, network, dropped=2)
        assert _scores_read(served.engine, view)
        now = view().json()
        assert (now["run_id"], now["accounts"]) == (new_run, first["accounts"] - 2)
        views = list_audit(served.engine, target=network, actor="mod-ann", limit=1000)
        assert [entry.action for entry in views[:5]] == ["network.view"] * 5
        assert [entry.details["run_id"] for entry in views[:2]] == [new_run, new_run]
