"""The console's network pages: the flagged networks as cases, and one network tier by tier."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.console.access import PAGE_ROLES, PREFIX, account_url, denied, network_url
from api.console.auth import ConsoleUserDep
from api.console.render import error_page, page, pager
from api.deps import StateDep
from features.errors import ServiceError
from risk.service.networks import FLOWS, network_case, network_list
from risk.vocab import BAND_NAMES

NETWORKS_PER_PAGE = 50

router = APIRouter()


@router.get("/networks", response_class=HTMLResponse)
def networks(
    request: Request,
    user: ConsoleUserDep,
    state: StateDep,
    band: Annotated[str, Query(max_length=20)] = "high",
    region: Annotated[str, Query(max_length=100)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """The latest run's networks reaching a band, most flagged accounts first."""
    refused = denied(request, user, "networks")
    if refused is not None:
        return refused
    band = band if band in BAND_NAMES else "high"
    listed = network_list(
        engine=state.engine,
        min_band=band,
        region=region.strip() or None,
        limit=NETWORKS_PER_PAGE,
        offset=(page_number - 1) * NETWORKS_PER_PAGE,
    )
    filters = {"band": band, "region": region}
    kept = {k: v for k, v in filters.items() if v}
    return page(
        request,
        "networks.html",
        {
            "listed": listed,
            "filters": filters,
            "bands": BAND_NAMES,
            **pager(f"{PREFIX}/networks", kept, page_number, listed.total, NETWORKS_PER_PAGE),
            "network_url": network_url,
        },
        user=user,
    )


@router.get("/networks/{network_id}", response_class=HTMLResponse)
def network(request: Request, network_id: str, user: ConsoleUserDep, state: StateDep) -> Response:
    """One network tier by tier, its money flows and flagged accounts with decisions (audited)."""
    refused = denied(request, user, "network")
    if refused is not None:
        return refused
    try:
        case = network_case(
            engine=state.engine, network_id=network_id, actor=user.name, cache=state.networks
        )
    except ServiceError as error:
        return error_page(request, user, error.message, error.http_status)
    return page(
        request,
        "network.html",
        {
            "case": case,
            "n": case.view,
            "bands": BAND_NAMES,
            "flows": list(FLOWS.values()),
            "account_url": account_url,
            "queue_allowed": user.role in PAGE_ROLES["queue"],
            "queue_url": f"{PREFIX}/?{urlencode({'network': network_id, 'status': 'all'})}",
        },
        user=user,
    )
