"""docs/alerts.yml: every metric it names is exported (by the API or the nightly job), promtool
accepts it, and its alerts fire on the series they are meant for (promtool's rule tests)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import yaml
from prometheus_client import generate_latest

from risk.scoring.job_metrics import failure_registry, success_registry

RULES = Path(__file__).resolve().parents[2] / "docs" / "alerts.yml"


@pytest.fixture(scope="module")
def promtool() -> str:
    """promtool's path; skip without it, but fail under CI=true (.ci/run installs it)."""
    found = shutil.which("promtool")
    if found is None:
        reason = "promtool is not on PATH (.ci/run takes it from Debian's `prometheus` package)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires the alert-rule tests to run; {reason}")
        pytest.skip(reason)
    return found


# (alert, when, labels, summary): what promtool must see fire on the series below
EXPECTED_ALERTS = [
    (
        "MlmRiskRunFailed",
        "3m",
        {"severity": "page"},
        "The nightly scoring run failed (exit code 4)",
    ),
    (
        "MlmRiskBandPrecisionBelowTarget",
        "90m",
        {"severity": "warning", "band": "high"},
        "Band high precision 50% below target",
    ),
    ("MlmRiskDrift", "1m", {"severity": "warning"}, "Population drift: PSI 0.40 above 0.25"),
]
SERIES = {
    "risk_job_last_exit_code": "0 0 4 4",
    'risk_band_decisions{band="high",decision="confirm"}': "20x90",
    'risk_band_decisions{band="high",decision="dismiss"}': "20x90",
    'risk_band_decisions{band="critical",decision="confirm"}': "60x90",
    'risk_band_decisions{band="critical",decision="dismiss"}': "1x90",
    'risk_band_precision_target{band="high"}': "0.8x90",
    'risk_band_precision_target{band="critical"}': "0.95x90",
    'risk_job_feature_psi{feature="recruits_30d"}': "0.1 0.4",
}


def _rule_tests() -> dict[str, Any]:
    """promtool's unit tests: each expected alert fires (with the rules' own description);
    a run that had not failed yet does not."""
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"][0]["rules"]
    described = {rule["alert"]: rule["annotations"].get("description") for rule in rules}
    checks: list[dict[str, Any]] = [
        {"eval_time": "1m", "alertname": "MlmRiskRunFailed", "exp_alerts": []}
    ]
    for alert, when, labels, summary in EXPECTED_ALERTS:
        annotations = {"summary": summary}
        if described[alert]:
            annotations["description"] = described[alert]
        expected = {"exp_labels": labels, "exp_annotations": annotations}
        checks.append({"eval_time": when, "alertname": alert, "exp_alerts": [expected]})
    series = [{"series": name, "values": values} for name, values in SERIES.items()]
    return {
        "rule_files": [str(RULES)],
        "evaluation_interval": "1m",
        "tests": [{"interval": "1m", "input_series": series, "alert_rule_test": checks}],
    }


def _named_metrics() -> set[str]:
    names = set(re.findall(r"\b(risk_[a-z0-9_]+)", RULES.read_text(encoding="utf-8")))
    return {name for name in names if not name.endswith("_")}


def test_every_metric_the_rules_name_is_exported(http: httpx.Client) -> None:
    summary = SimpleNamespace(
        accounts_scored=10,
        timings={"score": 1.0},
        drift={"score_psi": 0.1, "feature_psi": {"recruits_30d": 0.2}, "warnings": []},
    )
    exported = http.get("/metrics").text
    for registry in (success_registry(summary), failure_registry(exit_code=1, last_success=1.0)):
        exported += generate_latest(registry).decode()
    declared = set(re.findall(r"^# TYPE (\S+) (\S+)", exported, re.MULTILINE))
    names = {name for name, _ in declared} | {
        f"{name}_total" for name, kind in declared if kind == "counter"
    }
    missing = _named_metrics() - names
    assert not missing, f"docs/alerts.yml names metrics nobody exports: {sorted(missing)}"


def test_promtool_accepts_the_rules(promtool: str) -> None:
    checked = subprocess.run(
        [promtool, "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_alerts_fire_on_their_series(promtool: str, tmp_path: Path) -> None:
    tests = tmp_path / "alerts_test.yml"
    tests.write_text(yaml.safe_dump(_rule_tests(), allow_unicode=True), encoding="utf-8")
    tested = subprocess.run(
        [promtool, "test", "rules", str(tests)], capture_output=True, text=True, timeout=60
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
