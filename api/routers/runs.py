"""Scoring runs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import AuthorizedKey, EngineDep
from api.schemas import RunOut
from risk.service.runs import list_runs

router = APIRouter(tags=["runs"])


@router.get("/v1/runs", response_model=list[RunOut])
def get_runs(
    key: AuthorizedKey, engine: EngineDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[dict[str, Any]]:
    """Scoring runs, newest first (published, running and failed; pruned ones say so)."""
    return [run.to_dict() for run in list_runs(engine=engine, limit=limit)]
