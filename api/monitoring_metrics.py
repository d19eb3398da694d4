"""Prometheus gauges read from the decisions at scrape time: each band's precision among the
accounts decided on the newest run with decisions, whether it is below target, the dismiss
rate, the exploration sample's precision and the median hours from flag to decision."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from risk.service.monitoring import PeriodFigures, monitoring
from risk.settings import Settings


class DecisionGauges(Collector):
    """The newest run's decision figures, computed when Prometheus scrapes."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def collect(self) -> Iterator[GaugeMetricFamily]:
        figures = monitoring(engine=self.engine, settings=self.settings, runs=1, weeks=0)
        if not figures.runs:
            return
        yield from gauges(figures.runs[0])


def gauges(run: PeriodFigures) -> Iterator[GaugeMetricFamily]:
    """The gauge families of one run's figures (missing figures are left out)."""
    precision = GaugeMetricFamily(
        "risk_band_precision",
        "Share confirmed among accounts decided on the newest run with decisions, per band.",
        labels=["band"],
    )
    below = GaugeMetricFamily(
        "risk_band_precision_below_target",
        "1 when the band's precision among decided accounts is below its target (alert).",
        labels=["band"],
    )
    for band, f in run.bands.items():
        if f.precision is not None:
            precision.add_metric([band], f.precision)
        if f.target is not None:
            below.add_metric([band], 1.0 if f.below_target else 0.0)
    estimated = GaugeMetricFamily(
        "risk_band_precision_estimated",
        "Band precision over all its accounts in the newest run with decisions: exploration"
        " picks weighted by 1 / inclusion probability (the queue's bias undone).",
        labels=["band"],
    )
    for band, f in run.bands.items():
        if f.estimated_precision is not None:
            estimated.add_metric([band], f.estimated_precision)
    yield precision
    yield below
    yield estimated
    singles = {
        "risk_dismiss_rate": (
            "Share of the newest run's decisions that dismiss.",
            run.dismiss_rate,
        ),
        "risk_exploration_precision": (
            "Share confirmed among the newest run's decided exploration picks.",
            run.exploration_precision,
        ),
        "risk_median_hours_to_decision": (
            "Median hours from the run's publication to the decision.",
            run.median_hours_to_decision,
        ),
    }
    for name, (text, value) in singles.items():
        if value is not None:
            yield GaugeMetricFamily(name, text, value=value)
