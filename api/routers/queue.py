"""The review queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import AuthorizedKey, EngineDep, StateDep
from api.schemas import QueueOut
from risk.service.exploration import ExplorationPlan
from risk.service.queue import queue_page
from risk.vocab import MAX_OFFSET, Band, DecisionStatus, Lang, QueueOrder, SchemeRole

router = APIRouter(tags=["queue"])


@router.get("/v1/queue", response_model=QueueOut)
def get_queue(
    key: AuthorizedKey,
    engine: EngineDep,
    state: StateDep,
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
    order: Annotated[
        QueueOrder,
        Query(
            description="priority (default): likely organizers and recruiters of the riskiest"
            " networks first, a few accounts per network at a time; score: highest score first."
        ),
    ] = "priority",
    lang: Lang = "en",
) -> dict[str, Any]:
    """Accounts to review in ``order``; decided accounts only when asked for. Reasons and
    indicators are worded in ``lang``; ``flagged_left`` counts the flagged accounts (high,
    critical) of the run still pending, whatever the filters. Each item says why it is listed
    (``reason``): its risk, or ``exploration`` (a share of the pending queue drawn where the
    model is least sure)."""
    page = queue_page(
        order=order,
        engine=engine,
        plan=ExplorationPlan.from_settings(state.settings),
        bands=band,
        region=region,
        network_id=network_id,
        decision_status=status,
        roles=role,
        limit=limit,
        offset=offset,
        lang=lang,
        currency=state.settings.currency,
    )
    return page.to_dict()
