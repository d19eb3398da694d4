"""A scored world served over real HTTP by uvicorn in a background thread (per session)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from api.app import create_app
from risk.settings import Settings
from tests.api.world import World, build_world
from tests.trained_world import TrainedWorld

os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A started uvicorn server and its base URL."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(settings: Settings, *, load_model: bool = True) -> Server:
    """Serve ``create_app(settings)`` on a free loopback port; returns once it answers."""
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, load_model=load_model),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    return Server(f"http://127.0.0.1:{port}", server, thread)


def world_settings(world: World, home: Path) -> Settings:
    """Settings pointing at the world's store and MLflow registry."""
    return Settings.model_validate(
        {
            "home": str(home),
            "database_url": world.store_url,
            "mlflow_tracking_uri": world.tracking_uri,
            "warm_reports": False,  # built on the first request (the report tests time that)
        }
    )


@pytest.fixture(scope="session")
def world(trained_world: TrainedWorld, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The shared trained world, scored and published in the API tests' own store."""
    return build_world(tmp_path_factory.mktemp("api-world"), trained_world)


@dataclass(frozen=True)
class Keys:
    moderator: str
    regulator: str
    admin: str
    revoked: str
    moderator2: str


@pytest.fixture(scope="session")
def keys(world: World) -> Keys:
    from risk.store.db import open_store
    from risk.store.keys import create_key, revoke_key

    engine = open_store(world.store_url)
    made = {
        name: create_key(engine, role=role, name=name)[0]
        for name, role in (
            ("mod-ann", "moderator"),
            ("reg-bo", "regulator"),
            ("admin-cy", "admin"),
            ("mod-gone", "moderator"),
            ("mod-dee", "moderator"),
        )
    }
    revoke_key(engine, "mod-gone")
    engine.dispose()
    return Keys(
        made["mod-ann"], made["reg-bo"], made["admin-cy"], made["mod-gone"], made["mod-dee"]
    )


@pytest.fixture(scope="session")
def server(world: World, keys: Keys, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    started = start_server(world_settings(world, tmp_path_factory.mktemp("api-home")))
    yield started.url
    started.stop()


@pytest.fixture(scope="session")
def http(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="session")
def targets(world: World) -> dict[str, str]:
    """Account and network ids of the published run for the tests to use."""
    from risk.store.db import open_store
    from risk.store.scores import review_queue

    engine = open_store(world.store_url)
    flagged = review_queue(engine, bands=["high", "critical"], limit=20).items
    low = review_queue(engine, bands=["low"], limit=1000)
    engine.dispose()
    unexplained = next(item for item in low.items if item.reasons is None)
    return {
        "account": flagged[0].account_id,
        "matrix_account": flagged[1].account_id,
        "decided_account": flagged[2].account_id,
        "escalated_account": flagged[3].account_id,
        "private_account": flagged[4].account_id,  # decided with a note regulators never read
        "network": str(flagged[0].network_id),
        "unexplained": unexplained.account_id,
    }
