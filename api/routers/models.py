"""Champion vs challenger, measured on the platform's shadow runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import AuthorizedKey, EngineDep, StateDep
from api.schemas import ModelComparisonOut
from risk.service.shadow import compare_models

router = APIRouter(tags=["models"])


@router.get("/v1/models/compare", response_model=ModelComparisonOut)
def get_comparison(
    key: AuthorizedKey,
    engine: EngineDep,
    state: StateDep,
    run_id: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """The champion and the @challenger on a run the challenger shadowed (default: the newest):
    accounts that change band (and to which), agreement with decisions made since, precision
    at the daily capacity k among decided accounts. 404 when no run has a shadow."""
    k = state.settings.review_capacity
    return compare_models(engine=engine, run_id=run_id, k=k).to_dict()
