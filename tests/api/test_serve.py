"""`risk serve --workers 2` on a busy machine: workers answer at once (the model loads in the
background), none is killed while starting, and the service becomes ready."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import free_port
from tests.api.world import World

pytestmark = pytest.mark.slow


def test_two_workers_answer_while_loading_and_none_is_restarted(
    world: World, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "RISK_HOME": str(tmp_path / "home"),
        "RISK_DATABASE_URL": world.store_url,
        "MLFLOW_TRACKING_URI": world.tracking_uri,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    (tmp_path / "metrics").mkdir()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-c", "from api.cli import main; main()", "serve"]
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [*command, "--port", str(port), "--workers", "2", "--log-level", "info"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url, started = f"http://127.0.0.1:{port}", time.monotonic()
    healthy = ready = None
    loading_seen = False
    try:
        while ready is None and time.monotonic() - started < 400:
            assert server.poll() is None, log.read_text()
            try:
                if healthy is None and httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    healthy = time.monotonic() - started
                answer = httpx.get(f"{url}/ready", timeout=2)
                if answer.status_code == 200:
                    ready = time.monotonic() - started
                elif "loading" in " ".join(answer.json()["reasons"]):
                    loading_seen = True
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    text = log.read_text(errors="replace")
    assert healthy is not None and ready is not None, text
    assert healthy <= ready
    # uvicorn logs "Child process [N] died" / "Terminated child process" when it restarts one
    assert not re.search(r"died|Terminated child process \[\d+\]\s*\n.*Started", text), text
    assert len(set(re.findall(r"Started server process \[(\d+)\]", text))) == 2, text
    print(f"health after {healthy:.1f} s, ready after {ready:.1f} s, loading seen: {loading_seen}")
