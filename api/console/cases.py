"""The console's case pages: the list (claim the next case), and one case, evidence first,
with its decision, approval and appeal forms (plain POST forms, same-origin checked)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from api.console.access import PAGE_ROLES, PREFIX, account_url, denied, form_denied, network_url
from api.console.auth import (
    CSRF_FIELD,
    ConsoleUser,
    ConsoleUserDep,
    redirect,
)
from api.console.case_svg import ROW, TIMELINE_HEIGHT, WIDTH, icicle, timeline
from api.console.decision_form import NO_ACTION, form_proposal, form_view
from api.console.render import error_page, page, pager
from api.deps import StateDep
from api.roles import LEAD
from api.state import AppState
from features.errors import ServiceError
from models.explain_text import change_hint
from risk.service.case_page import case_evidence
from risk.service.cases import (
    CaseQuery,
    approve_proposal,
    case_account_roles,
    claim_next_case,
    close_case,
    decide_appeal,
    file_appeal,
    list_cases,
    propose_decision,
    reject_proposal,
    release_case,
)
from risk.vocab import (
    APPEAL_OUTCOMES,
    CASE_STATES,
    DECISIONS,
    ENFORCEMENT_ACTIONS,
    GROUND_KINDS,
)

CASES_PER_PAGE = 50
router = APIRouter()


def case_url(case_id: int) -> str:
    return f"{PREFIX}/cases/{case_id}"


@router.get("/cases", response_class=HTMLResponse)
def cases(
    request: Request,
    user: ConsoleUserDep,
    state: StateDep,
    status: Annotated[str, Query(alias="state", max_length=30)] = "",
    mine: bool = False,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Cases in work order: overdue first, then priority and due time."""
    refused = denied(request, user, "cases")
    if refused is not None:
        return refused
    chosen = status if status in CASE_STATES else ""
    listed = list_cases(
        engine=state.engine,
        query=CaseQuery(
            state=chosen or None,
            assignee=user.name if mine else None,
            limit=CASES_PER_PAGE,
            offset=(page_number - 1) * CASES_PER_PAGE,
        ),
    )
    kept = {k: v for k, v in {"state": chosen, "mine": "true" if mine else ""}.items() if v}
    return page(
        request,
        "cases.html",
        {
            "listed": listed,
            "states": CASE_STATES,
            "chosen": chosen,
            "mine": mine,
            "may_claim": user.role in PAGE_ROLES["case_work"],
            "case_url": case_url,
            **pager(f"{PREFIX}/cases", kept, page_number, listed.total, CASES_PER_PAGE),
        },
        user=user,
    )


@router.post("/cases/next")
def claim(
    request: Request,
    user: ConsoleUserDep,
    state: StateDep,
    sent: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """Take the most urgent unassigned case and open it."""
    refused = form_denied(request, user, sent, "case_work")
    if refused is not None:
        return refused
    claimed = claim_next_case(engine=state.engine, actor=user.name)
    if claimed is None:
        return redirect(f"{PREFIX}/cases?{urlencode({'empty': 1})}")
    return redirect(case_url(claimed.id))


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case(request: Request, case_id: int, user: ConsoleUserDep, state: StateDep) -> Response:
    """One case: the network picture, the timeline, the principal reasons, the legal
    indicators, then the history, proposals, actions and appeals (audited)."""
    return _case_page(request, user, state, case_id)


def _case_page(
    request: Request,
    user: ConsoleUser,
    state: AppState,
    case_id: int,
    *,
    draft: Mapping[str, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    """The case page; after a refused decision, with what the moderator typed and why."""
    refused = denied(request, user, "case")
    if refused is not None:
        return refused
    try:
        evidence = case_evidence(
            engine=state.engine,
            case_id=case_id,
            actor=user.name,
            lang=user.lang,
            runs=state.runs,
            networks=state.networks,
        )
    except ServiceError as error:
        return error_page(request, user, error.message, error.http_status)
    tiers = [] if evidence.network is None else evidence.network.view["tiers"]
    rows = icicle(tiers, evidence.case_tiers)
    dots, span_days = timeline(evidence.timeline)
    return page(
        request,
        "case.html",
        {
            "e": evidence,
            "c": evidence.detail.case,
            "rows": rows,
            "dots": dots,
            "span_days": span_days,
            "width": WIDTH,
            "row_height": ROW,
            "icicle_height": max(ROW, ROW * len(rows)),
            "timeline_height": TIMELINE_HEIGHT,
            "works": user.role in PAGE_ROLES["case_work"],
            "is_lead": user.role == LEAD,
            "decisions": DECISIONS,
            "actions": ENFORCEMENT_ACTIONS,
            "grounds": GROUND_KINDS,
            "appeal_outcomes": APPEAL_OUTCOMES,
            "account_url": account_url,
            "network_url": network_url,
            "case_url": case_url,
            "draft": draft,
            "problem": problem,
            "form": form_view(evidence.detail.accounts),
            "no_action": NO_ACTION,
            "would_change": change_hint,
        },
        user=user,
        status_code=status_code,
    )


def _case_step(
    request: Request,
    user: ConsoleUser,
    sent: str,
    gate: str,
    step: Callable[[], object],
    *,
    then: str,
) -> Response:
    """Every case form but the decision has this one shape: pass the form's gates (origin,
    CSRF token, the ``gate`` page's roles), take the step, go to ``then``; a step the service
    refuses comes back as the console's error page, with the refusal's status."""
    refused = form_denied(request, user, sent, gate)
    if refused is not None:
        return refused
    try:
        step()
    except ServiceError as error:
        return error_page(request, user, error.message, error.http_status)
    return redirect(then)


@router.post("/cases/{case_id}/decision")
async def decide_case(
    request: Request,
    case_id: int,
    user: ConsoleUserDep,
    state: StateDep,
    sent: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """Submit the case's decision (applied, or waiting for a lead)."""
    refused = form_denied(request, user, sent, "case_work")
    if refused is not None:
        return refused
    form = await request.form()
    typed = {str(name): str(value) for name, value in form.multi_items()}
    roles = await run_in_threadpool(
        lambda: case_account_roles(engine=state.engine, case_id=case_id)
    )
    proposal = form_proposal(typed, roles)
    try:
        await run_in_threadpool(
            lambda: propose_decision(
                engine=state.engine,
                settings=state.settings,
                case_id=case_id,
                actor=user.name,
                proposal=proposal,
            )
        )
    except ServiceError as error:
        problem, status_code = error.message, error.http_status
    else:
        return redirect(case_url(case_id))
    # Nothing the moderator typed is lost: the page comes back filled in, saying why.
    return await run_in_threadpool(
        lambda: _case_page(
            request,
            user,
            state,
            case_id,
            draft=typed,
            problem=problem,
            status_code=status_code,
        )
    )


@router.post("/cases/{case_id}/proposals/{proposal_id}/{verdict}")
def review(
    request: Request,
    case_id: int,
    proposal_id: int,
    verdict: str,
    user: ConsoleUserDep,
    state: StateDep,
    note: Annotated[str, Form(max_length=4000)] = "",
    sent: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """A lead approves or sends back a proposal (never their own)."""
    if verdict not in ("approve", "reject"):
        return form_denied(request, user, sent, "approve") or error_page(
            request, user, "unknown verdict", 404
        )

    def step() -> object:
        if verdict == "approve":
            return approve_proposal(
                engine=state.engine,
                settings=state.settings,
                proposal_id=proposal_id,
                actor=user.name,
                note=note or None,
            )
        return reject_proposal(
            engine=state.engine, proposal_id=proposal_id, actor=user.name, note=note or None
        )

    return _case_step(request, user, sent, "approve", step, then=case_url(case_id))


@router.post("/cases/{case_id}/release")
def release(
    request: Request,
    case_id: int,
    user: ConsoleUserDep,
    state: StateDep,
    sent: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """Put the case back in the pool (its assignee or a lead), then the case list."""
    return _case_step(
        request,
        user,
        sent,
        "case_work",
        lambda: release_case(
            engine=state.engine, case_id=case_id, actor=user.name, is_lead=user.role == LEAD
        ),
        then=f"{PREFIX}/cases",
    )


@router.post("/cases/{case_id}/close")
def close(
    request: Request,
    case_id: int,
    user: ConsoleUserDep,
    state: StateDep,
    sent: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """Close a decided case (its assignee or a lead)."""
    return _case_step(
        request,
        user,
        sent,
        "case_work",
        lambda: close_case(
            engine=state.engine, case_id=case_id, actor=user.name, is_lead=user.role == LEAD
        ),
        then=case_url(case_id),
    )


@router.post("/cases/{case_id}/appeals")
def appeal(
    request: Request,
    case_id: int,
    user: ConsoleUserDep,
    state: StateDep,
    action_id: Annotated[int, Form(ge=1)],
    grounds: Annotated[str, Form(max_length=4000)] = "",
    sent: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """File an appeal for the seller against one of the case's actions."""
    return _case_step(
        request,
        user,
        sent,
        "case_work",
        lambda: file_appeal(
            engine=state.engine,
            settings=state.settings,
            action_id=action_id,
            actor=user.name,
            grounds=grounds.strip(),
        ),
        then=case_url(case_id),
    )


@router.post("/cases/{case_id}/appeals/{appeal_id}")
def judge(
    request: Request,
    case_id: int,
    appeal_id: int,
    user: ConsoleUserDep,
    state: StateDep,
    outcome: Annotated[str, Form(max_length=20)],
    reasons: Annotated[str, Form(max_length=4000)] = "",
    sent: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """Uphold or overturn an appeal (not by whoever decided or approved the action)."""
    return _case_step(
        request,
        user,
        sent,
        "case_work",
        lambda: decide_appeal(
            engine=state.engine,
            appeal_id=appeal_id,
            actor=user.name,
            outcome=outcome,
            reasons=reasons.strip(),
        ),
        then=case_url(case_id),
    )
