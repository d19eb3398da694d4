"""The console's monitoring page: band precision among decided accounts per week (chart) and
per run (table), against the targets, with the alerts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.console.access import denied
from api.console.auth import ConsoleUserDep
from api.console.render import page
from api.deps import StateDep
from risk.service.monitoring import Monitoring, monitoring

router = APIRouter()
CHART_W, CHART_H = 640, 180  # the weekly precision chart, in SVG units


def chart_points(figures: Monitoring, band: str) -> str:
    """SVG polyline points of a band's weekly precision, oldest week on the left."""
    weeks = list(reversed(figures.weeks))
    step = CHART_W / max(1, len(weeks) - 1)
    precisions = [(i, w.bands[band].precision) for i, w in enumerate(weeks)]
    points = [f"{i * step:.1f},{CHART_H * (1 - p):.1f}" for i, p in precisions if p is not None]
    return " ".join(points)


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(request: Request, user: ConsoleUserDep, state: StateDep) -> Response:
    """Decision-based monitoring: per week (chart) and per run (table), alerts first."""
    refused = denied(request, user, "monitoring")
    if refused is not None:
        return refused
    figures = monitoring(engine=state.engine, settings=state.settings, runs=30, weeks=12)
    lines = {band: chart_points(figures, band) for band in figures.targets}
    return page(
        request,
        "monitoring.html",
        {"m": figures, "lines": lines, "w": CHART_W, "h": CHART_H},
        user=user,
    )
