"""The moderator console under ``/console``: each route checks the role, calls one service
function and renders a page."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from api.console.access import PAGE_ROLES, PREFIX, account_url, denied, form_denied, network_url
from api.console.auth import (
    CSRF_FIELD,
    FLASH_COOKIE,
    ConsoleRefusal,
    ConsoleUser,
    ConsoleUserDep,
    is_https,
    redirect,
    request_lang,
)
from api.console.cases import router as cases_router
from api.console.i18n import strings
from api.console.login import router as login_router
from api.console.models import router as models_router
from api.console.monitoring import router as monitoring_router
from api.console.networks import router as networks_router
from api.console.oversight import router as oversight_router
from api.console.queue_filters import BAND_CHOICES, ROLE_CHOICES, BadFilterError, QueueFilters
from api.console.render import STATIC_DIR, error_page, flash_value, page, pager
from api.deps import StateDep
from api.roles import ADMIN, PSEUDONYMOUS_ROLES, REGULATOR
from features.errors import ServiceError
from risk.service.accounts import account_page
from risk.service.audit import list_audit, verify_audit_chain
from risk.service.decisions import record_decision
from risk.service.exploration import ExplorationPlan
from risk.service.queue import NETWORK_TURN, next_in_queue, queue_view
from risk.service.readers import audit_as_seen, decisions_as_seen
from risk.service.reports import DownloadFormat, fetch_report
from risk.service.runs import list_runs
from risk.vocab import (
    DECISION_CONSEQUENCES,
    DECISION_STATUSES,
    DECISIONS,
    LANGS,
    QUEUE_ORDERS,
    Lang,
)

PAGE_SIZE = 50  # accounts or networks on a list page

router = APIRouter(prefix=PREFIX, include_in_schema=False)
router.include_router(login_router)
router.include_router(networks_router)
router.include_router(models_router)
router.include_router(monitoring_router)
router.include_router(cases_router)
router.include_router(oversight_router)


@router.get("/", response_class=HTMLResponse)
def queue(
    request: Request,
    user: ConsoleUserDep,
    state: StateDep,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """The review queue (the flagged accounts moderators act on first, or by score);
    regulators get an account lookup instead."""
    if user.role == ADMIN:
        return redirect(f"{PREFIX}/runs")
    if user.role == REGULATOR:
        return page(request, "lookup.html", {}, user=user)
    try:
        filters = QueueFilters.parse(request.query_params)
    except BadFilterError as error:
        return bad_filter_page(request, user, error)
    offset = (page_number - 1) * PAGE_SIZE
    view = queue_view(
        engine=state.engine,
        plan=ExplorationPlan.from_settings(state.settings),
        limit=PAGE_SIZE,
        offset=offset,
        lang=user.lang,
        **filters.selection(),  # type: ignore[arg-type]
    )
    back = filters.query_string()
    return page(
        request,
        "queue.html",
        {
            "view": view,
            "filters": filters,
            "bands": list(BAND_CHOICES),
            "roles": list(ROLE_CHOICES),
            "statuses": DECISION_STATUSES,
            "network_turn": NETWORK_TURN,
            "order_urls": {
                order: f"{PREFIX}/?{filters.with_order(order).query_string()}"
                for order in QUEUE_ORDERS
            },
            **pager(f"{PREFIX}/", filters.kept(), page_number, view.page.total, PAGE_SIZE),
            "item_url": lambda account_id, index: queue_item_url(account_id, back, offset + index),
        },
        user=user,
    )


def queue_item_url(account_id: str, queue: str, position: int) -> str:
    """An account's page opened from the queue: it carries the queue's filters and the
    account's place in it (so a decision can go on to the next account)."""
    return f"{account_url(account_id)}?{urlencode({'queue': queue, 'at': position})}"


def bad_filter_page(request: Request, user: ConsoleUser, error: BadFilterError) -> Response:
    """The console's error page naming the filter, its value and what it may be."""
    text = strings(user.lang)["bad_filter"].format(
        field=error.field, value=error.value, allowed=", ".join(error.allowed)
    )
    return error_page(request, user, text, 422)


@router.get("/lookup")
def lookup(
    user: ConsoleUserDep, account_id: Annotated[str, Query(min_length=1, max_length=200)]
) -> Response:
    """Go to the account typed in the lookup box."""
    return redirect(account_url(account_id.strip()))


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account(
    request: Request,
    account_id: str,
    user: ConsoleUserDep,
    state: StateDep,
    queue: Annotated[str, Query(max_length=1000)] = "",
    at: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Score, reasons, indicators, network and sales of one account (audited); decide on it.
    ``queue`` and ``at``: the queue it was opened from and its place there."""
    refused = denied(request, user, "account")
    if refused is not None:
        return refused
    try:
        filters = QueueFilters.from_query_string(queue)
    except BadFilterError as error:
        return bad_filter_page(request, user, error)
    try:
        shown = account_page(
            engine=state.engine,
            account_id=account_id,
            actor=user.name,
            runs=state.runs,
            networks=state.networks,
            explainer=state.explainer,
            lang=user.lang,
            currency=state.settings.currency,
        )
    except ServiceError as error:
        return error_page(request, user, error.message, error.http_status)
    return page(
        request,
        "account.html",
        {
            "p": shown,
            "r": shown.view.record,
            "decisions": decisions_as_seen(
                shown.decisions,
                pseudonymous=user.role in PSEUDONYMOUS_ROLES,
                settings=state.settings,
            ),
            "decisions_allowed": user.role in PAGE_ROLES["decide"],
            "choices": DECISIONS,
            "consequences": {d: DECISION_CONSEQUENCES[d][user.lang] for d in DECISIONS},
            "action_url": account_url(account_id) + "/decisions",
            "network_url": network_url,
            "queue": filters.query_string(),
            "at": at,
            "queue_url": f"{PREFIX}/?{filters.query_string()}",
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
    queue: Annotated[str, Form(max_length=1000)] = "",
    at: Annotated[int, Form(ge=0, le=10_000_000)] = 0,
    confirmed: Annotated[str, Form(max_length=10)] = "",
    sent: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """A decision's consequence named first (a page asking to confirm it, the note carried
    along); once confirmed, the decision recorded (append-only, audited) and the next account
    of the queue it came from opened (filters kept), or that queue when none is left."""
    refused = form_denied(request, user, sent, "decide")
    if refused is not None:
        return refused
    try:
        filters = QueueFilters.from_query_string(queue)
    except BadFilterError as error:
        return bad_filter_page(request, user, error)
    if decision not in DECISIONS:
        return bad_filter_page(request, user, BadFilterError("decision", decision, DECISIONS))
    if confirmed != "yes":
        return page(
            request,
            "confirm_decision.html",
            {
                "account_id": account_id,
                "decision": decision,
                "consequence": DECISION_CONSEQUENCES[decision][user.lang],
                "note": note,
                "queue": filters.query_string(),
                "at": at,
                "action_url": account_url(account_id) + "/decisions",
                "back_url": queue_item_url(account_id, filters.query_string(), at),
            },
            user=user,
        )
    try:
        record_decision(
            engine=state.engine,
            account_id=account_id,
            decision=decision,
            note=note.strip() or None,
            reviewer=user.name,
        )
        following = next_in_queue(
            engine=state.engine,
            decided=account_id,
            position=at,
            plan=ExplorationPlan.from_settings(state.settings),
            **filters.selection(),  # type: ignore[arg-type]
        )
    except ServiceError as error:
        return error_page(request, user, error.message, error.http_status)
    back = filters.query_string()
    target = f"{PREFIX}/?{back}" if following is None else queue_item_url(following, back, at)
    response = redirect(target)
    response.set_cookie(
        FLASH_COOKIE,
        flash_value(decision, account_id),
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
    entries = audit_as_seen(
        list_audit(engine=state.engine, limit=200, target=target.strip() or None),
        pseudonymous=user.role in PSEUDONYMOUS_ROLES,
        settings=state.settings,
    )
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


REPORT_FORMATS: tuple[DownloadFormat, ...] = ("pdf", "html", "csv", "json", "bundle")


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, user: ConsoleUserDep, state: StateDep) -> Response:
    """The latest published run's regulator report, every format and language to download."""
    refused = denied(request, user, "reports")
    if refused is not None:
        return refused
    latest = list_runs(engine=state.engine, limit=30)
    published = next((run for run in latest if run.status == "published"), None)
    return page(
        request,
        "reports.html",
        {"run": published, "formats": REPORT_FORMATS, "langs": LANGS},
        user=user,
    )


@router.get("/reports/{run_id}/{format}")
def report_file(
    request: Request,
    run_id: str,
    format: DownloadFormat,
    user: ConsoleUserDep,
    state: StateDep,
    lang: Lang = "en",
) -> Response:
    """One format of a run's report (built once per run and language, then served at once;
    the download is audited)."""
    refused = denied(request, user, "reports")
    if refused is not None:
        return refused
    try:
        download = fetch_report(
            settings=state.settings,
            engine=state.engine,
            run_id=run_id,
            format=format,
            date_from=None,
            date_to=None,
            lang=lang,
            actor=user.name,
        )
    except ServiceError as error:
        return error_page(request, user, error.message, error.http_status)
    return Response(
        content=download.body,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


def _refused(request: Request, error: Exception) -> Response:
    """A refused console form, as a page in the reader's language (English and Chinese)."""
    assert isinstance(error, ConsoleRefusal)
    message = strings(request_lang(request))[error.message_key]
    return error_page(request, None, message, error.status_code)


def install_console(app: FastAPI, static_dir: Path = STATIC_DIR) -> None:
    """Serve the console and its static files on ``app``; a console URL with a bad parameter
    (a hand-edited link) gets the console's error page, the API keeps its JSON errors."""
    api_handler = app.exception_handlers[RequestValidationError]

    async def bad_parameter(request: Request, error: Exception) -> Response:
        if not request.url.path.startswith(f"{PREFIX}/") or not isinstance(
            error, RequestValidationError
        ):
            answer = api_handler(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        lang = request_lang(request)
        problems = "; ".join(
            strings(lang)["bad_parameter"].format(
                field=str(problem.get("loc", ("", "?"))[-1]), problem=problem.get("msg", "")
            )
            for problem in error.errors()
        )
        return error_page(request, None, problems, 422)

    app.add_exception_handler(RequestValidationError, bad_parameter)
    app.add_exception_handler(ConsoleRefusal, _refused)
    app.include_router(router)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        """The console's icon where browsers ask for it (no key needed, like static files)."""
        return FileResponse(static_dir / "favicon.ico", media_type="image/x-icon")

    app.mount(f"{PREFIX}/static", StaticFiles(directory=static_dir), name="console-static")
