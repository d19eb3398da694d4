"""The nightly job's own metrics for Prometheus, exported after every run, published or not:
to a node_exporter textfile-collector file (``RISK_METRICS_TEXTFILE``, written atomically)
and/or to a Pushgateway (``RISK_PUSHGATEWAY_URL``, job ``mlm_risk_score``).

A failed run keeps the last success's timestamp: read back from the previous textfile, and
pushed with ``pushadd`` (which replaces only the metrics it carries) to a Pushgateway.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Gauge, pushadd_to_gateway, write_to_textfile
from prometheus_client import push_to_gateway as push_whole_group
from prometheus_client.parser import text_string_to_metric_families

log = logging.getLogger(__name__)

JOB = "mlm_risk_score"
LAST_SUCCESS = "risk_job_last_success_timestamp_seconds"


def _gauge(
    registry: CollectorRegistry, name: str, text: str, labels: tuple[str, ...] = ()
) -> Gauge:
    return Gauge(name, text, labels, registry=registry)


def _run_gauges(registry: CollectorRegistry, *, exit_code: int, now: float) -> None:
    _gauge(registry, "risk_job_last_run_timestamp_seconds", "When the last run ended.").set(now)
    _gauge(registry, "risk_job_last_exit_code", "Exit code of the last run (0: published).").set(
        exit_code
    )


def success_registry(
    summary: Any, *, exit_code: int = 0, now: float | None = None
) -> CollectorRegistry:
    """The metrics of a published (or already published) run, from its summary."""
    now = time.time() if now is None else now
    registry = CollectorRegistry()
    _run_gauges(registry, exit_code=exit_code, now=now)
    _gauge(registry, LAST_SUCCESS, "When a run last published (or found its run published).").set(
        now
    )
    _gauge(registry, "risk_job_accounts_scored", "Accounts the last run scored.").set(
        summary.accounts_scored
    )
    stages = _gauge(
        registry, "risk_job_stage_seconds", "Seconds per stage of the last run.", ("stage",)
    )
    for stage, seconds in summary.timings.items():
        stages.labels(stage).set(float(seconds))
    drift = summary.drift or {}
    if drift.get("score_psi") is not None:
        _gauge(registry, "risk_job_score_psi", "PSI of the score against training.").set(
            float(drift["score_psi"])
        )
    features = _gauge(
        registry, "risk_job_feature_psi", "PSI of each feature against training.", ("feature",)
    )
    for feature, psi in (drift.get("feature_psi") or {}).items():
        features.labels(feature).set(float(psi))
    _gauge(registry, "risk_job_drift_warnings", "Drift warnings of the last run.").set(
        len(drift.get("warnings") or [])
    )
    return registry


def failure_registry(
    *, exit_code: int, last_success: float | None, now: float | None = None
) -> CollectorRegistry:
    """The metrics of a run that failed: its exit code, and the last success carried over."""
    registry = CollectorRegistry()
    _run_gauges(registry, exit_code=exit_code, now=time.time() if now is None else now)
    if last_success is not None:
        _gauge(registry, LAST_SUCCESS, "When a run last published.").set(last_success)
    return registry


def last_success_in(textfile: Path) -> float | None:
    """The last success recorded in a previous textfile (None: no file, or none recorded)."""
    try:
        text = textfile.read_text(encoding="utf-8")
    except OSError:
        return None
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == LAST_SUCCESS:
                return float(sample.value)
    return None


def export_job_metrics(
    registry: CollectorRegistry,
    *,
    succeeded: bool,
    textfile: Path | None,
    pushgateway: str | None,
) -> list[str]:
    """Write and/or push ``registry``; the problems met (the job's own result never depends
    on its monitoring), each as a sentence."""
    problems = []
    if textfile is not None:
        try:
            textfile.parent.mkdir(parents=True, exist_ok=True)
            write_to_textfile(str(textfile), registry)
        except OSError as error:
            problems.append(f"cannot write the metrics textfile {textfile}: {error}")
    if pushgateway:
        push = push_whole_group if succeeded else pushadd_to_gateway
        try:
            push(pushgateway, job=JOB, registry=registry, timeout=10)
        except OSError as error:
            problems.append(f"cannot push metrics to {pushgateway}: {error}")
    for problem in problems:
        log.warning(problem)
    return problems


def record_run(
    *, summary: Any | None, exit_code: int, textfile: Path | None, pushgateway: str | None
) -> list[str]:
    """Export the metrics of one run (``summary`` None: it failed with ``exit_code``)."""
    if textfile is None and not pushgateway:
        return []
    if summary is not None:
        registry = success_registry(summary, exit_code=exit_code)
    else:
        previous = None if textfile is None else last_success_in(textfile)
        registry = failure_registry(exit_code=exit_code, last_success=previous)
    return export_job_metrics(
        registry, succeeded=summary is not None, textfile=textfile, pushgateway=pushgateway
    )
