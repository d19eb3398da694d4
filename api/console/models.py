"""The console's model page: champion vs challenger on the newest shadow run."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.console.access import denied
from api.console.auth import ConsoleUserDep
from api.console.render import page
from api.deps import StateDep
from risk.errors import RunNotFoundError
from risk.service.shadow import compare_models
from risk.vocab import BAND_NAMES

router = APIRouter()


@router.get("/models", response_class=HTMLResponse)
def models(request: Request, user: ConsoleUserDep, state: StateDep) -> Response:
    """Accounts changing band, agreement with decisions, precision at k: both models."""
    refused = denied(request, user, "models")
    if refused is not None:
        return refused
    try:
        comparison = compare_models(engine=state.engine, k=state.settings.review_capacity)
    except RunNotFoundError:
        comparison = None
    return page(request, "models.html", {"comparison": comparison, "bands": BAND_NAMES}, user=user)
