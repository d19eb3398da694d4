"""Figures for the operators' monitoring (Prometheus): what the store holds now."""

from __future__ import annotations

from sqlalchemy import Engine

from risk.store.monitoring import StoreFigures as StoreFigures  # the API renders it
from risk.store.monitoring import store_figures


def monitoring_figures(*, engine: Engine) -> StoreFigures:
    """The published run, queue depth, decisions by outcome and audit entries, read now."""
    return store_figures(engine)
