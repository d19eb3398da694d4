"""Networks: accounts per tier, flagged accounts and money moving between tiers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from api.deps import AuthorizedKey, EngineDep
from api.schemas import ErrorBody, NetworkOut
from risk.service.network import network_view

router = APIRouter(tags=["networks"])


@router.get(
    "/v1/networks/{network_id}",
    response_model=NetworkOut,
    responses={404: {"model": ErrorBody, "description": "No scored account in the network."}},
)
def get_network(
    network_id: Annotated[str, Path(min_length=1, max_length=200)],
    key: AuthorizedKey,
    engine: EngineDep,
) -> dict[str, Any]:
    """The network in the latest published run (audited)."""
    return network_view(engine, network_id, actor=key.name)
