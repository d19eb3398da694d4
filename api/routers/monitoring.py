"""Monitoring from decisions, per run and per week."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import AuthorizedKey, EngineDep, StateDep
from risk.service.monitoring import monitoring

router = APIRouter(tags=["monitoring"])


@router.get("/v1/monitoring")
def get_monitoring(
    key: AuthorizedKey,
    engine: EngineDep,
    state: StateDep,
    runs: Annotated[int, Query(ge=1, le=365)] = 30,
    weeks: Annotated[int, Query(ge=0, le=260)] = 12,
) -> dict[str, Any]:
    """Per run and per week: each band's precision among decided accounts (share confirmed)
    against its target, dismiss rate, exploration precision, median hours from flag to
    decision, score PSI; ``alerts`` lists every band below target (>= 10 decided)."""
    return monitoring(engine=engine, settings=state.settings, runs=runs, weeks=weeks).to_dict()
