"""Prometheus metrics: requests and latency per route template (never the raw path)."""

from __future__ import annotations

import os
import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    """The app's metric objects, in their own registry (one app per test must not clash)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.collectors: list[Any] = []  # read at scrape time (api.monitoring_metrics)
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

    def exposition(self) -> tuple[bytes, str]:
        """The text format body (all worker processes when PROMETHEUS_MULTIPROC_DIR is set)."""
        registry = self.registry
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            for collector in self.collectors:
                registry.register(collector)
        return generate_latest(registry), CONTENT_TYPE_LATEST


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
