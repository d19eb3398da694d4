"""The server the console tests use, and checks that it serves the console's static files.

The API tests' session server is used when its app serves ``/console``; until ``create_app``
installs the console, one more server is started (once per test process) with
``install_console`` applied to a fresh app.
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest
import uvicorn

from api.app import create_app
from api.console.routes import install_console
from tests.api.conftest import Keys, free_port, world_settings
from tests.api.world import World

_STARTED: dict[str, str] = {}


def _serves_console(url: str) -> bool:
    return httpx.get(f"{url}/console/login", timeout=30).status_code == 200


def _start_console_server(world: World, home: str) -> str:
    """A uvicorn server (daemon thread, lives as long as the test process) with the console."""
    from pathlib import Path

    app = create_app(world_settings(world, Path(home)))
    install_console(app)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the console server did not start")
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}"


@pytest.fixture(name="console")
def console_fixture(
    server: str, world: World, keys: Keys, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """Base URL of a running app serving the console over the API tests' world."""
    if "url" not in _STARTED:
        _STARTED["url"] = (
            server
            if _serves_console(server)
            else _start_console_server(world, str(tmp_path_factory.mktemp("console-home")))
        )
    return _STARTED["url"]


@pytest.mark.slow
def test_static_files_are_served_without_a_key(console: str) -> None:
    css = httpx.get(f"{console}/console/static/console.css", timeout=30)
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    js = httpx.get(f"{console}/console/static/console.js", timeout=30)
    assert js.status_code == 200 and "keydown" in js.text
    assert httpx.get(f"{console}/console/static/../app.py", timeout=30).status_code == 404
