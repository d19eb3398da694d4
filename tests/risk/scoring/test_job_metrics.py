"""The nightly job exports its own metrics after every run: a textfile-collector file and a
Pushgateway (a real HTTP server on loopback standing in for one), success or failure."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from risk.cli import app
from risk.scoring.job_metrics import JOB, LAST_SUCCESS
from risk.settings import get_settings
from tests.risk.scoring.conftest import add_sponsor_cycle, copy_snapshot
from tests.trained_world import TrainedWorld


def _values(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


class _Gateway(http.server.BaseHTTPRequestHandler):
    """Records each push: method, path and body."""

    pushes: ClassVar[list[tuple[str, str, str]]] = []

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode()
        type(self).pushes.append((self.command, self.path, body))
        self.send_response(200)
        self.end_headers()

    do_PUT = do_POST = _record

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    _Gateway.pushes = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Gateway.pushes
    server.shutdown()


@pytest.fixture
def job_env(
    trained_world: TrainedWorld,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    gateway: tuple[str, list[tuple[str, str, str]]],
) -> Iterator[Path]:
    textfile = tmp_path / "textfile" / "mlm_risk.prom"
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RISK_DATABASE_URL", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained_world.tracking_uri)
    monkeypatch.setenv("RISK_METRICS_TEXTFILE", str(textfile))
    monkeypatch.setenv("RISK_PUSHGATEWAY_URL", gateway[0])
    get_settings.cache_clear()
    yield textfile
    get_settings.cache_clear()


@pytest.mark.slow
def test_a_run_then_a_failure_export_their_metrics(
    trained_world: TrainedWorld,
    job_env: Path,
    gateway: tuple[str, list[tuple[str, str, str]]],
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(app, ["score", str(trained_world.snapshot_dir), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    values = _values(job_env.read_text())
    assert values[("risk_job_accounts_scored", ())] == summary["accounts_scored"]
    assert values[("risk_job_last_exit_code", ())] == 0
    success = values[(LAST_SUCCESS, ())]
    assert success > 0
    stages = {dict(k[1])["stage"] for k in values if k[0] == "risk_job_stage_seconds"}
    assert set(summary["timings"]) == stages and "score" in stages
    feature_psi = [k for k in values if k[0] == "risk_job_feature_psi"]
    assert len(feature_psi) == len(summary["drift"]["feature_psi"]) > 0
    method, path, body = gateway[1][-1]
    assert (method, path) == ("PUT", f"/metrics/job/{JOB}")
    assert "risk_job_accounts_scored" in body

    broken = copy_snapshot(trained_world.snapshot_dir, tmp_path / "broken")
    add_sponsor_cycle(broken)
    failed = CliRunner().invoke(app, ["score", str(broken)])
    assert failed.exit_code == 1
    values = _values(job_env.read_text())
    assert values[("risk_job_last_exit_code", ())] == 1
    assert values[(LAST_SUCCESS, ())] == success  # carried over from the previous file
    method, path, body = gateway[1][-1]
    assert method == "POST"  # pushadd: the gateway keeps the last success's metrics
    assert "risk_job_last_exit_code 1.0" in body and LAST_SUCCESS in body


def test_an_unreachable_gateway_warns_and_never_fails_the_job(tmp_path: Path) -> None:
    from risk.scoring.job_metrics import export_job_metrics, failure_registry

    textfile = tmp_path / "metrics.prom"
    problems = export_job_metrics(
        failure_registry(exit_code=4, last_success=None),
        succeeded=False,
        textfile=textfile,
        pushgateway="http://127.0.0.1:9",  # discard port: nothing listens
    )
    assert len(problems) == 1 and "cannot push" in problems[0]
    assert _values(textfile.read_text())[("risk_job_last_exit_code", ())] == 4
