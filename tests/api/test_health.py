"""Liveness, readiness (with and without a model), metrics and the OpenAPI docs."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.api.conftest import Keys, bearer, start_server, world_settings
from tests.api.world import World


def test_ready_with_model_and_run(http: httpx.Client) -> None:
    body = http.get("/ready").json()
    assert body["ready"] and body["model_version"] == "mlm-risk/1" and body["run_id"]
    assert http.get("/health").json() == {"status": "ok"}


def test_metrics_count_by_route_template(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    http.get(f"/v1/accounts/{targets['account']}", headers=bearer(keys.moderator))
    text = http.get("/metrics").text
    assert 'route="/v1/accounts/{account_id}"' in text
    assert "risk_api_request_seconds_bucket" in text
    assert targets["account"] not in text  # raw paths never become labels


def test_docs_list_every_v1_route(http: httpx.Client) -> None:
    schema = http.get("/openapi.json").json()
    assert "/v1/accounts/{account_id}/explanation" in schema["paths"]
    assert "AccountOut" in schema["components"]["schemas"]
    assert "swagger" in http.get("/docs").text.lower()


def test_without_a_model_stored_scores_still_serve(
    world: World, keys: Keys, targets: dict[str, str], tmp_path: Path
) -> None:
    server = start_server(world_settings(world, tmp_path), load_model=False)
    try:
        with httpx.Client(base_url=server.url) as client:
            ready = client.get("/ready")
            assert ready.status_code == 503 and ready.json()["ready"] is False
            assert any("model" in reason for reason in ready.json()["reasons"])
            account = targets["account"]
            stored = client.get(f"/v1/accounts/{account}", headers=bearer(keys.moderator))
            assert stored.status_code == 200
            explained = client.get(
                f"/v1/accounts/{account}/explanation", headers=bearer(keys.moderator)
            )
            assert explained.status_code == 503
            assert "model" in explained.json()["error"]["message"]
    finally:
        server.stop()


def test_ready_is_503_before_any_run_is_published(tmp_path: Path, world: World) -> None:
    settings = world_settings(world, tmp_path).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'empty.db'}"}
    )
    server = start_server(settings, load_model=False)
    try:
        body = httpx.get(f"{server.url}/ready").json()
        assert any("no scoring run" in reason for reason in body["reasons"])
    finally:
        server.stop()


def test_metrics_of_several_workers_add_up(
    world: World, keys: Keys, targets: dict[str, str], tmp_path: Path
) -> None:
    import os
    import re
    import signal
    import subprocess
    import sys
    import time

    from tests.api.conftest import free_port

    port, scratch = free_port(), tmp_path / "tmp"
    scratch.mkdir()
    env = {
        **os.environ,
        "RISK_HOME": str(tmp_path / "home"),
        "RISK_DATABASE_URL": world.store_url,
        "MLFLOW_TRACKING_URI": world.tracking_uri,
        "TMPDIR": str(scratch),  # where `risk serve` makes the workers' metrics directory
        "RISK_WARM_REPORTS": "false",  # no report builds competing with the start-up here
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    serve = "from api.cli import main; main()"
    command = [sys.executable, "-c", serve, "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen([*command, "--log-level", "warning"], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 400  # a 2-core machine shared by several test runs
        while True:
            try:
                if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        path = f"{url}/v1/accounts/{targets['account']}"
        for _ in range(40):  # a new connection each: the kernel hands them to both workers
            assert httpx.get(path, headers=bearer(keys.moderator)).status_code == 200
        text = httpx.get(f"{url}/metrics").text
        counted = re.findall(
            r'risk_api_requests_total\{method="GET",route="/v1/accounts/\{account_id\}",'
            r'status="200"\} ([\d.]+)',
            text,
        )
        assert sum(float(value) for value in counted) == 40
        (metrics_dir,) = scratch.glob("risk-metrics-*")
        assert len(os.listdir(metrics_dir)) > 1  # both workers' files
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    assert list(scratch.iterdir()) == []  # the metrics and champion directories are removed
