"""A served store for case work over real HTTP: a published run of a few networks, keys for
two moderators, two leads and a regulator, and uvicorn on a free port (no model needed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from risk.settings import Settings
from risk.store.keys import create_key
from tests.api.conftest import bearer, start_server
from tests.risk.cases.test_cases_open import world
from tests.risk.conftest import RunWriter

NAMES = {
    "mod-ann": "moderator",
    "mod-dee": "moderator",
    "lead-eve": "lead",
    "lead-fay": "lead",
    "reg-bo": "regulator",
    "admin-cy": "admin",
}


@dataclass
class Served:
    """The server's URL, the store and one HTTP client per key name."""

    url: str
    engine: Engine
    as_: dict[str, httpx.Client]
    keys: dict[str, str]  # key name -> plaintext key


def publish_networks(publish_scores: RunWriter, count: int) -> str:
    """A run with ``count`` flagged networks (an organizer, a recruiter and a participant)."""
    frame = world({f"net-{i:02d}": ["critical", "high", "medium"] for i in range(count)})
    roles = {"a0": "organizer", "a1": "recruiter", "a2": "participant"}
    frame["role"] = [roles[account.rsplit("-", 1)[1]] for account in frame["account_id"]]
    tiers = {"a0": 0, "a1": 1, "a2": 2}
    frame["tier"] = [tiers[account.rsplit("-", 1)[1]] for account in frame["account_id"]]
    frame["reasons"] = [
        [{"feature": "recruits_30d", "value": 12.0, "contribution": 0.9, "reference": 1.0}]
    ] * len(frame)
    frame["features"] = [
        {"account_age_days": 400.0 - 100 * tier, "recruits_30d": 12.0, "tier": tier}
        for tier in frame["tier"]
    ]
    return publish_scores(frame)


def publish_large_network(publish_scores: RunWriter, size: int) -> str:
    """One network of ``size`` accounts: an organizer, 1% recruiters, the rest participants;
    the organizer, the recruiters and every 50th participant flagged."""
    frame = world({"big": ["medium"] * size})
    order = frame["account_id"].str.rsplit("-a", n=1).str[1].astype(int)
    frame["role"] = ["organizer" if i == 0 else "recruiter" if i <= size // 100
                     else "participant" for i in order]  # fmt: skip
    flagged = (frame["role"] != "participant") | (order % 50 == 0)
    frame.loc[flagged, "band"] = "high"
    frame.loc[order == 0, "band"] = "critical"
    frame["tier"] = [0 if i == 0 else 1 if i <= size // 100 else 2 for i in order]
    return publish_scores(frame)


@contextmanager
def _clients(store_engine: Engine, store_url: str, tmp_path: Path) -> Iterator[Served]:
    """The published run's cases opened, keys made, the server started: one client per key."""
    from risk.service.cases import sync_cases_after_run

    settings = Settings.model_validate(
        {
            "home": str(tmp_path),
            "database_url": store_url,
            "webhook_poll_seconds": 0.1,
            "qa_sample_share": 1.0,  # every decided case goes to QA here
            # no report built in the background: it would create this home's MLflow database
            # (alembic, process-global) while the next test's server migrates its store
            "warm_reports": False,
        }
    )
    sync_cases_after_run(engine=store_engine, settings=settings, run_id=None)
    keys = {name: create_key(store_engine, role=role, name=name)[0] for name, role in NAMES.items()}
    server = start_server(settings, load_model=False)
    clients = {
        name: httpx.Client(base_url=server.url, headers=bearer(key), timeout=60)
        for name, key in keys.items()
    }
    try:
        yield Served(server.url, store_engine, clients, keys)
    finally:
        for client in clients.values():
            client.close()
        server.stop()


@pytest.fixture
def served(
    store_engine: Engine, store_url: str, publish_scores: RunWriter, tmp_path: Path
) -> Iterator[Served]:
    """Six flagged networks, their cases opened, served over HTTP."""
    publish_networks(publish_scores, 6)
    with _clients(store_engine, store_url, tmp_path) as ready:
        yield ready


@pytest.fixture
def served_large(
    store_engine: Engine, store_url: str, publish_scores: RunWriter, tmp_path: Path
) -> Iterator[Served]:
    """One 5,000-account network, its case opened, served over HTTP."""
    publish_large_network(publish_scores, 5_000)
    with _clients(store_engine, store_url, tmp_path) as ready:
        yield ready
