"""The moderator console under ``/console``: each route checks the role, calls one service
function and renders a page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from api.console.auth import (
    FLASH_COOKIE,
    ConsoleUser,
    ConsoleUserDep,
    check_same_origin,
    redirect,
)
from api.console.i18n import strings
from api.console.login import router as login_router
from api.console.render import STATIC_DIR, error_page, page
from api.deps import StateDep
from api.roles import ADMIN, MODERATOR, REGULATOR
from features.errors import ServiceError
from risk.service.console_account import account_page
from risk.service.console_queue import queue_view
from risk.store.audit import list_audit, verify_audit_chain
from risk.store.decisions import record_decision
from risk.store.runs import list_runs
from risk.store.schema import DECISIONS
from risk.store.scores import BANDS, DECISION_STATUSES

PREFIX = "/console"
PAGE_SIZE = 50
# The console's roles follow api.roles.ACCESS: admins run the service and see no account data.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "queue": frozenset({MODERATOR}),
    "account": frozenset({MODERATOR, REGULATOR}),
    "decide": frozenset({MODERATOR}),
    "audit": frozenset({MODERATOR, REGULATOR}),
    "runs": frozenset({MODERATOR, REGULATOR, ADMIN}),
}

router = APIRouter(prefix=PREFIX, include_in_schema=False)
router.include_router(login_router)


def _denied(request: Request, user: ConsoleUser, page_name: str) -> HTMLResponse | None:
    """A 403 page unless the user's role may open ``page_name``."""
    if user.role in PAGE_ROLES[page_name]:
        return None
    return error_page(request, user, strings(user.lang)["forbidden"], 403)


def account_url(account_id: str) -> str:
    """The account page's path (the id escaped)."""
    return f"{PREFIX}/accounts/{quote(account_id, safe='')}"


@router.get("/", response_class=HTMLResponse)
def queue(
    request: Request,
    user: ConsoleUserDep,
    state: StateDep,
    band: Annotated[str, Query(max_length=20)] = "",
    region: Annotated[str, Query(max_length=100)] = "",
    network: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=20)] = "pending",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """The review queue, highest score first; regulators get an account lookup instead."""
    if user.role == ADMIN:
        return redirect(f"{PREFIX}/runs")
    if user.role == REGULATOR:
        return page(request, "lookup.html", {}, user=user)
    status = status if status in DECISION_STATUSES else "pending"
    band = band if band in BANDS else ""
    view = queue_view(
        state.engine,
        bands=[band] if band else None,
        region=region.strip() or None,
        network_id=network.strip() or None,
        decision_status=status,
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
        explainer=state.explainer,
        lang=user.lang,
    )
    filters = {"band": band, "region": region, "network": network, "status": status}
    kept = {k: v for k, v in filters.items() if v}

    def page_url(number: int) -> str:
        return f"{PREFIX}/?{urlencode({**kept, 'page': number})}"

    last = max(1, -(-view.page.total // PAGE_SIZE))
    return page(
        request,
        "queue.html",
        {
            "view": view,
            "filters": filters,
            "bands": BANDS,
            "statuses": DECISION_STATUSES,
            "page_number": page_number,
            "last_page": last,
            "prev_url": page_url(page_number - 1) if page_number > 1 else None,
            "next_url": page_url(page_number + 1) if page_number < last else None,
            "account_url": account_url,
        },
        user=user,
    )


@router.get("/lookup")
def lookup(
    user: ConsoleUserDep, account_id: Annotated[str, Query(min_length=1, max_length=200)]
) -> Response:
    """Go to the account typed in the lookup box."""
    return redirect(account_url(account_id.strip()))


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account(request: Request, account_id: str, user: ConsoleUserDep, state: StateDep) -> Response:
    """Score, reasons, indicators, network and sales of one account (audited); decide on it."""
    denied = _denied(request, user, "account")
    if denied is not None:
        return denied
    try:
        shown = account_page(
            state.engine,
            account_id,
            actor=user.name,
            runs=state.runs,
            explainer=state.explainer,
            lang=user.lang,
        )
    except ServiceError as error:
        return error_page(request, user, error.message, error.http_status)
    return page(
        request,
        "account.html",
        {
            "p": shown,
            "r": shown.view.record,
            "decisions_allowed": user.role in PAGE_ROLES["decide"],
            "choices": DECISIONS,
            "action_url": account_url(account_id) + "/decisions",
        },
        user=user,
    )


@router.post("/accounts/{account_id}/decisions")
def decide(
    request: Request,
    account_id: str,
    user: ConsoleUserDep,
    state: StateDep,
    decision: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Record a moderator's decision (append-only, audited) and go back to the account."""
    check_same_origin(request)
    denied = _denied(request, user, "decide")
    if denied is not None:
        return denied
    try:
        record_decision(
            state.engine,
            account_id=account_id,
            decision=decision,
            note=note.strip() or None,
            reviewer=user.name,
        )
    except ServiceError as error:
        return error_page(request, user, error.message, error.http_status)
    response = redirect(account_url(account_id))
    response.set_cookie(
        FLASH_COOKIE, decision, max_age=60, path=PREFIX, httponly=True, samesite="strict"
    )
    return response


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    user: ConsoleUserDep,
    state: StateDep,
    target: Annotated[str, Query(max_length=200)] = "",
    verify: bool = False,
) -> Response:
    """The newest audit entries; the whole chain verified on request (it reads every entry)."""
    denied = _denied(request, user, "audit")
    if denied is not None:
        return denied
    entries = list_audit(state.engine, limit=200, target=target.strip() or None)
    verification = verify_audit_chain(state.engine) if verify else None
    return page(
        request,
        "audit.html",
        {"entries": entries, "verification": verification, "target": target},
        user=user,
    )


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request, user: ConsoleUserDep, state: StateDep) -> Response:
    """Recent scoring runs with their status, size and timings."""
    denied = _denied(request, user, "runs")
    if denied is not None:
        return denied
    return page(request, "runs.html", {"runs": list_runs(state.engine, limit=30)}, user=user)


def install_console(app: FastAPI, static_dir: Path = STATIC_DIR) -> None:
    """Serve the console and its static files on ``app``."""
    app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=static_dir), name="console-static")
