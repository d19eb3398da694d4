"""Liveness, readiness and Prometheus metrics (open: probes and scrapers)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from api.deps import StateDep
from api.schemas import HealthOut, ReadyOut
from risk.service.runs import readiness

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
async def health() -> dict[str, Any]:
    """The process answers (on the event loop itself: no thread, no store)."""
    return {"status": "ok"}


@router.get("/ready", response_model=ReadyOut, responses={503: {"model": ReadyOut}})
def ready(state: StateDep) -> Any:
    """Ready when the store answers, a run is published and the champion model is loaded."""
    report = readiness(
        engine=state.engine, model_version=state.model_version, model_error=state.model_error
    )
    return JSONResponse(report, status_code=200 if report["ready"] else 503)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text format."""
    body, content_type = request.app.state.metrics.exposition()
    return Response(body, media_type=content_type)
