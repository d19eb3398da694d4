"""Prometheus metrics: requests and latency per route template (never the raw path), errors
answered with a 5xx status, the process, and figures read at each scrape (the loaded model, the
published run, the review queue, decisions, audit entries).

A new gauge read at scrape time is one function returning metric families, registered with
:meth:`Metrics.add_source` (see :func:`service_metrics`); it is counted once per scrape, not
once per worker, so it needs no multiprocess mode.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    PLATFORM_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from risk.service.cases import sla_breaches
from risk.service.monitoring import monitoring_figures
from risk.vocab import BAND_NAMES

if TYPE_CHECKING:
    from api.state import AppState

log = logging.getLogger(__name__)

# Up to 30 s and beyond: a report build (PDF, every format) takes seconds to tens of seconds.
_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
)

Source = Callable[[], Iterable[Metric]]


class _ScrapeTime(Collector):
    """Runs every registered source at each scrape; ``risk_metrics_source_up`` says which
    answered (a failing one is logged; the others are still scraped)."""

    def __init__(self, sources: list[Source]) -> None:
        self._sources = sources

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "risk_metrics_source_up",
            "1 when a source of scrape-time figures answered (0: e.g. the store did not).",
            labels=["source"],
        )
        for source in self._sources:
            name = getattr(source, "__name__", "source")
            try:
                figures = list(source())
            except Exception:
                log.exception("metrics source %s failed", name)
                up.add_metric([name], 0.0)
                continue
            up.add_metric([name], 1.0)
            yield from figures
        yield up


class Metrics:
    """The app's metric objects, in their own registry (one app per test must not clash)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "risk_api_requests",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "risk_api_request_seconds",
            "Request latency by method and route template.",
            ["method", "route"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "risk_api_errors",
            "Requests answered with a 5xx status, by error class (StoreError: the store failed).",
            ["error"],
            registry=self.registry,
        )
        self._sources: list[Source] = []
        self.collectors: list[Any] = []  # read at scrape time (api.monitoring_metrics)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.registry.register(_ScrapeTime(self._sources))

    def add_source(self, source: Source) -> None:
        """Figures computed at each scrape (read from the store, the app's state...)."""
        self._sources.append(source)

    def exposition(self) -> tuple[bytes, str]:
        """The text format body. Under PROMETHEUS_MULTIPROC_DIR: the counters and histograms of
        every worker added up, the process metrics of the worker that answers, the scrape-time
        figures once."""
        registry = self.registry
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            ProcessCollector(registry=registry)
            registry.register(PLATFORM_COLLECTOR)
            registry.register(_ScrapeTime(self._sources))
            for collector in self.collectors:
                registry.register(collector)
        return generate_latest(registry), CONTENT_TYPE_LATEST


def service_metrics(state: AppState) -> Source:
    """The scrape-time figures of one app: model, published run, queue, decisions, audit."""

    def service() -> Iterable[Metric]:
        loaded = GaugeMetricFamily(
            "risk_model_loaded", "1 when the champion model is loaded.", labels=["model_version"]
        )
        loaded.add_metric([state.model_version or ""], 1.0 if state.scorer is not None else 0.0)
        yield loaded
        figures = monitoring_figures(engine=state.engine)
        yield from _run_metrics(figures.published)
        yield GaugeMetricFamily(
            "risk_queue_depth",
            "Accounts of the published run at band high or above with no decision yet.",
            value=figures.queue_depth,
        )
        decisions = CounterMetricFamily(
            "risk_decisions", "Decisions recorded, by outcome.", labels=["decision"]
        )
        for decision, count in sorted(figures.decisions.items()):
            decisions.add_metric([decision], count)
        yield decisions
        yield CounterMetricFamily(
            "risk_audit_appends", "Entries appended to the audit log.", value=figures.audit_entries
        )
        yield from _precision_metrics(figures.band_decisions, state.settings.band_precisions)
        yield from _sla_metrics(sla_breaches(engine=state.engine))

    return service


def _sla_metrics(per_priority: dict[str, dict[str, int]]) -> Iterator[Metric]:
    """Case SLA: breaches so far (the report's count) and cases waiting past their due time."""
    breaches = CounterMetricFamily(
        "risk_case_sla_breaches",
        "Cases that missed their SLA due time (decided late or still waiting past it), by "
        "priority.",
        labels=["priority"],
    )
    overdue = GaugeMetricFamily(
        "risk_cases_overdue",
        "Cases still waiting for a decision past their SLA due time, by priority.",
        labels=["priority"],
    )
    for priority, counts in per_priority.items():
        breaches.add_metric([priority], counts["breached"])
        overdue.add_metric([priority], counts["overdue"])
    yield from (breaches, overdue)


def _run_metrics(run: Any) -> Iterator[Metric]:
    """The published run: which, as of when, how old, accounts per band (none: no run yet)."""
    info = GaugeMetricFamily(
        "risk_published_run_info",
        "The published scoring run (value 1).",
        labels=["run_id", "as_of", "model_version"],
    )
    age = GaugeMetricFamily(
        "risk_published_run_age_seconds", "Seconds since the published run was published."
    )
    as_of = GaugeMetricFamily(
        "risk_published_run_as_of_timestamp_seconds", "The published run's as_of (Unix time)."
    )
    bands = GaugeMetricFamily(
        "risk_published_run_accounts", "Accounts of the published run per band.", labels=["band"]
    )
    if run is not None:
        published = run.published_at or run.finished_at or run.started_at
        info.add_metric(
            [run.id, run.as_of.isoformat(), f"{run.model_name}/{run.model_version}"], 1.0
        )
        age.add_metric([], (datetime.now(UTC) - _utc(published)).total_seconds())
        as_of.add_metric([], _utc(run.as_of).timestamp())
        counts = (run.counts or {}).get("bands", {})
        for band in BAND_NAMES:
            bands.add_metric([band], float(counts.get(band, 0)))
    yield from (info, age, as_of, bands)


def _precision_metrics(
    decided: dict[tuple[str, str], int], targets: tuple[float, ...]
) -> Iterator[Metric]:
    """Decided accounts of the published run per band and latest decision, and each band's
    target precision (what a band promises: confirmed / (confirmed + dismissed))."""
    decisions = GaugeMetricFamily(
        "risk_band_decisions",
        "Decided accounts of the published run by band and latest decision.",
        labels=["band", "decision"],
    )
    for (band, decision), count in sorted(decided.items()):
        decisions.add_metric([band, decision], float(count))
    target = GaugeMetricFamily(
        "risk_band_precision_target", "The precision each band promises.", labels=["band"]
    )
    for band, precision in zip(BAND_NAMES[1:], targets, strict=True):
        target.add_metric([band], precision)
    yield from (decisions, target)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class MetricsMiddleware:
    """Pure ASGI middleware: counts and times each request under its route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self._observe(scope, status, time.perf_counter() - start)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        route: Any = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        method = str(scope.get("method", ""))
        self.metrics.requests.labels(method, template, str(status)).inc()
        self.metrics.latency.labels(method, template).observe(seconds)


def add_collector(metrics: Metrics, collector: Any) -> None:
    """Expose a collector read at scrape time (in every process's exposition)."""
    metrics.collectors.append(collector)
    metrics.registry.register(collector)
