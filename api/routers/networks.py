"""Networks: the flagged ones as cases, and one network's tiers, flagged accounts and money."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import AuthorizedKey, EngineDep, StateDep
from api.schemas import ErrorBody, NetworkOut, NetworksOut
from risk.service.networks import network_list, network_view
from risk.vocab import MAX_OFFSET, Band

router = APIRouter(tags=["networks"])


@router.get("/v1/networks", response_model=NetworksOut)
def list_networks(
    key: AuthorizedKey,
    engine: EngineDep,
    min_band: Annotated[
        Band, Query(description="Networks with an account at this band or above.")
    ] = "high",
    region: Annotated[
        str | None, Query(max_length=100, description="Networks with an account in the region.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> dict[str, Any]:
    """The latest published run's flagged networks, highest network score first (the mean of
    its top max(3, 10%) member scores), then most flagged accounts, then top score.

    Not audited, like the queue: opening a network or an account is.
    """
    page = network_list(engine=engine, min_band=min_band, region=region, limit=limit, offset=offset)
    return page.to_dict()


@router.get(
    "/v1/networks/{network_id}",
    response_model=NetworkOut,
    responses={404: {"model": ErrorBody, "description": "No scored account in the network."}},
)
def get_network(
    network_id: Annotated[str, Path(min_length=1, max_length=200)],
    key: AuthorizedKey,
    state: StateDep,
) -> dict[str, Any]:
    """The network in the latest published run (audited; computed once per run and worker);
    ``currency`` names the currency of every amount in it (the tiers' money, the totals)."""
    view = network_view(
        engine=state.engine, network_id=network_id, actor=key.name, cache=state.networks
    )
    return {**view, "currency": state.settings.currency}
