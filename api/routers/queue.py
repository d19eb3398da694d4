"""The review queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import AuthorizedKey, EngineDep
from api.schemas import QueueOut
from risk.service.queue import queue_page
from risk.vocab import MAX_OFFSET, Band, DecisionStatus, Lang, SchemeRole

router = APIRouter(tags=["queue"])


@router.get("/v1/queue", response_model=QueueOut)
def get_queue(
    key: AuthorizedKey,
    engine: EngineDep,
    band: Annotated[list[Band] | None, Query(description="Repeat for several bands.")] = None,
    region: Annotated[str | None, Query(max_length=100)] = None,
    network_id: Annotated[str | None, Query(max_length=200)] = None,
    status: DecisionStatus = "pending",
    role: Annotated[
        list[SchemeRole] | None,
        Query(description="Likely scheme role (stored from band medium up); repeat for several."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    lang: Lang = "en",
) -> dict[str, Any]:
    """Accounts to review, highest score first; decided accounts only when asked for. Reasons
    and indicators are worded in ``lang``."""
    page = queue_page(
        engine=engine,
        bands=band,
        region=region,
        network_id=network_id,
        decision_status=status,
        roles=role,
        limit=limit,
        offset=offset,
        lang=lang,
    )
    return page.to_dict()
