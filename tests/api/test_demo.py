"""`risk demo` end to end (small): a newcomer finds cases to work, a lead key to approve with,
a first moderator's decisions and a report that verifies (issue 17: "`risk demo` seeds a few
cases so a newcomer sees the workflow at once"; issue 20: the demo's report has decisions)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from risk.store.db import open_store
from risk.store.schema import cases_table, decisions_table, keys_table

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _risk(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RISK_HOME": str(home)}
    for name in ("RISK_DATABASE_URL", "MLFLOW_TRACKING_URI"):
        env.pop(name, None)  # the demo's own store and registry, under its home
    command = [sys.executable, "-c", "from api.cli import main; main()", *args]
    return subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )


def test_the_demo_leaves_cases_keys_decisions_and_a_verified_report(tmp_path: Path) -> None:
    home = tmp_path / "home"
    demo = _risk(home, "demo", "--accounts", "2000", "--no-serve")
    assert demo.returncode == 0, demo.stderr[-3000:]
    opened = re.search(r"cases: (\d+) opened", demo.stdout)
    assert opened is not None and int(opened.group(1)) > 0, demo.stdout
    engine = open_store(f"sqlite:///{home / 'risk.db'}")
    try:
        with engine.connect() as connection:
            cases = connection.execute(
                select(cases_table.c.state, func.count()).group_by(cases_table.c.state)
            ).all()
            roles = set(connection.execute(select(keys_table.c.role)).scalars())
            decided = connection.execute(select(func.count()).select_from(decisions_table))
            decisions = decided.scalar_one()
    finally:
        engine.dispose()
    assert dict(cases) == {"open": int(opened.group(1))}  # all waiting for a moderator
    assert {"moderator", "lead", "regulator"} <= roles
    assert decisions == 4
    report = re.search(r"report\s+(\S+)\s+\(verify", demo.stdout)
    assert report is not None, demo.stdout
    verified = _risk(home, "report", "verify", report.group(1))
    assert verified.returncode == 0, verified.stdout + verified.stderr
