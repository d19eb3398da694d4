"""The moderator console under ``/console``: each route checks the role, calls one service
function and renders a page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from api.console.access import PAGE_ROLES, PREFIX, account_url, denied, network_url
from api.console.auth import (
    CSRF_FIELD,
    FLASH_COOKIE,
    ConsoleRefusal,
    ConsoleUserDep,
    check_csrf,
    check_same_origin,
    is_https,
    redirect,
    request_lang,
)
from api.console.i18n import strings
from api.console.login import router as login_router
from api.console.networks import router as networks_router
from api.console.render import STATIC_DIR, error_page, page, pager
from api.deps import StateDep
from api.roles import ADMIN, REGULATOR
from features.errors import ServiceError
from risk.service.accounts import account_page
from risk.service.audit import list_audit, verify_audit_chain
from risk.service.decisions import record_decision
from risk.service.queue import queue_view
from risk.service.runs import list_runs
from risk.vocab import ACTIONABLE_ROLES, BAND_NAMES, DECISION_STATUSES, DECISIONS, SCHEME_ROLES

PAGE_SIZE = 50  # accounts or networks on a list page
# The queue's role filter: each role, and the two moderators act on together.
ROLE_CHOICES: dict[str, tuple[str, ...]] = {
    "actionable": ACTIONABLE_ROLES,
    **{role: (role,) for role in SCHEME_ROLES},
}

router = APIRouter(prefix=PREFIX, include_in_schema=False)
router.include_router(login_router)
router.include_router(networks_router)


@router.get("/", response_class=HTMLResponse)
def queue(
    request: Request,
    user: ConsoleUserDep,
    state: StateDep,
    band: Annotated[str, Query(max_length=20)] = "",
    region: Annotated[str, Query(max_length=100)] = "",
    network: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=20)] = "pending",
    role: Annotated[str, Query(max_length=20)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """The review queue, highest score first; regulators get an account lookup instead."""
    if user.role == ADMIN:
        return redirect(f"{PREFIX}/runs")
    if user.role == REGULATOR:
        return page(request, "lookup.html", {}, user=user)
    status = status if status in DECISION_STATUSES else "pending"
    band = band if band in BAND_NAMES else ""
    role = role if role in ROLE_CHOICES else ""
    view = queue_view(
        engine=state.engine,
        bands=[band] if band else None,
        region=region.strip() or None,
        network_id=network.strip() or None,
        decision_status=status,
        roles=ROLE_CHOICES.get(role),
        limit=PAGE_SIZE,
        offset=(page_number - 1) * PAGE_SIZE,
        lang=user.lang,
    )
    filters = {"band": band, "role": role, "region": region, "network": network, "status": status}
    kept = {k: v for k, v in filters.items() if v}
    return page(
        request,
        "queue.html",
        {
            "view": view,
            "filters": filters,
            "bands": BAND_NAMES,
            "roles": list(ROLE_CHOICES),
            "statuses": DECISION_STATUSES,
            **pager(f"{PREFIX}/", kept, page_number, view.page.total, PAGE_SIZE),
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
    refused = denied(request, user, "account")
    if refused is not None:
        return refused
    try:
        shown = account_page(
            engine=state.engine,
            account_id=account_id,
            actor=user.name,
            runs=state.runs,
            networks=state.networks,
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
            "network_url": network_url,
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
    sent: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """Record a moderator's decision (append-only, audited) and go back to the account."""
    check_same_origin(request)
    check_csrf(user.csrf, sent)
    refused = denied(request, user, "decide")
    if refused is not None:
        return refused
    try:
        record_decision(
            engine=state.engine,
            account_id=account_id,
            decision=decision,
            note=note.strip() or None,
            reviewer=user.name,
        )
    except ServiceError as error:
        return error_page(request, user, error.message, error.http_status)
    response = redirect(account_url(account_id))
    response.set_cookie(
        FLASH_COOKIE,
        decision,
        max_age=60,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
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
    refused = denied(request, user, "audit")
    if refused is not None:
        return refused
    entries = list_audit(engine=state.engine, limit=200, target=target.strip() or None)
    verification = verify_audit_chain(engine=state.engine) if verify else None
    return page(
        request,
        "audit.html",
        {"entries": entries, "verification": verification, "target": target},
        user=user,
    )


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request, user: ConsoleUserDep, state: StateDep) -> Response:
    """Recent scoring runs with their status, size and timings."""
    refused = denied(request, user, "runs")
    if refused is not None:
        return refused
    return page(request, "runs.html", {"runs": list_runs(engine=state.engine, limit=30)}, user=user)


def _refused(request: Request, error: Exception) -> Response:
    """A refused console form, as a page in the reader's language (English and Chinese)."""
    assert isinstance(error, ConsoleRefusal)
    message = strings(request_lang(request))[error.message_key]
    return error_page(request, None, message, error.status_code)


def install_console(app: FastAPI, static_dir: Path = STATIC_DIR) -> None:
    """Serve the console and its static files on ``app``."""
    app.add_exception_handler(ConsoleRefusal, _refused)
    app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=static_dir), name="console-static")
