"""Cases: list, open by hand, read, claim the next, release, reassign (a lead), decide (four
eyes: a lead approves or rejects), close; appeals against an action."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from api.deps import AuthorizedKey, EngineDep, StateDep
from api.roles import LEAD
from api.schemas import ErrorBody
from api.schemas_cases import (
    AppealDecisionIn,
    AppealIn,
    AppealRecord,
    CaseDetail,
    CaseIn,
    CasePageOut,
    CaseRecord,
    ProposalIn,
    ProposalRecord,
    ReassignIn,
    ReviewIn,
    TransparencyOut,
)
from risk.service.cases import (
    CaseQuery,
    Outcome,
    Proposal,
    approve_proposal,
    claim_next_case,
    close_case,
    decide_appeal,
    file_appeal,
    get_case,
    list_cases,
    open_case,
    propose_decision,
    reassign_case,
    reject_proposal,
    release_case,
)
from risk.service.transparency import case_work_report
from risk.vocab import MAX_ROW_ID, Band, CaseState

router = APIRouter(tags=["cases"])
CaseId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}}
_CONFLICT: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}, 409: {"model": ErrorBody}}


@router.get("/v1/cases", response_model=CasePageOut)
def get_cases(
    key: AuthorizedKey,
    engine: EngineDep,
    state: CaseState | None = None,
    priority: Band | None = None,
    assignee: Annotated[str | None, Query(max_length=100)] = None,
    mine: Annotated[bool, Query(description="Only the caller's cases.")] = False,
    band: Annotated[Band | None, Query(description="Cases with an account at this band.")] = None,
    region: Annotated[str | None, Query(max_length=100)] = None,
    overdue: Annotated[bool | None, Query(description="Past their SLA (or not).")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """Cases matching the filters: overdue first, then by priority, due time and age."""
    query = CaseQuery(
        state=state,
        priority=priority,
        assignee=key.name if mine else assignee,
        band=band,
        region=region,
        overdue=overdue,
        limit=limit,
        offset=offset,
    )
    return list_cases(engine=engine, query=query).to_dict()


@router.post("/v1/cases", status_code=201, response_model=CaseDetail, responses=_CONFLICT)
def post_case(body: CaseIn, key: AuthorizedKey, state: StateDep) -> dict[str, Any]:
    """Open a case from an account (409 naming the open case when its unit already has one)."""
    detail = open_case(
        engine=state.engine,
        settings=state.settings,
        account_id=body.account_id,
        unit_kind=body.unit_kind,
        actor=key.name,
    )
    return detail.to_dict()


@router.post(
    "/v1/cases/next",
    response_model=CaseRecord,
    responses={204: {"description": "No unassigned case is waiting."}},
)
def claim_next(key: AuthorizedKey, engine: EngineDep) -> Any:
    """Assign the caller the most urgent unassigned case (never the same case to two callers)."""
    claimed = claim_next_case(engine=engine, actor=key.name)
    return Response(status_code=204) if claimed is None else claimed.to_dict()


@router.get("/v1/cases/{case_id}", response_model=CaseDetail, responses=_NOT_FOUND)
def read_case(case_id: CaseId, key: AuthorizedKey, engine: EngineDep) -> dict[str, Any]:
    """The case with its accounts, history, proposals, actions and appeals (audited)."""
    return get_case(engine=engine, case_id=case_id, actor=key.name).to_dict()


@router.post("/v1/cases/{case_id}/release", response_model=CaseRecord, responses=_CONFLICT)
def post_release(case_id: CaseId, key: AuthorizedKey, engine: EngineDep) -> dict[str, Any]:
    """Put the case back in the pool (its assignee, or a lead)."""
    released = release_case(
        engine=engine, case_id=case_id, actor=key.name, is_lead=key.role == LEAD
    )
    return released.to_dict()


@router.post("/v1/cases/{case_id}/reassign", response_model=CaseRecord, responses=_CONFLICT)
def post_reassign(
    case_id: CaseId, body: ReassignIn, key: AuthorizedKey, engine: EngineDep
) -> dict[str, Any]:
    """A lead gives the case to another moderator."""
    moved = reassign_case(engine=engine, case_id=case_id, actor=key.name, assignee=body.assignee)
    return moved.to_dict()


@router.post(
    "/v1/cases/{case_id}/decision",
    status_code=201,
    response_model=ProposalRecord,
    responses=_CONFLICT,
)
def post_case_decision(
    case_id: CaseId, body: ProposalIn, key: AuthorizedKey, state: StateDep
) -> dict[str, Any]:
    """The assignee decides the case: an outcome per account, maybe actions. Applied at once,
    or (beyond a warning on an organizer or recruiter, or any network-wide action) waiting for
    a lead's approval."""
    proposal = Proposal(
        outcomes=[Outcome(o.account_id, o.decision, o.action) for o in body.outcomes],
        network_action=body.network_action,
        ground_kind=body.ground_kind,
        legal_ground=body.legal_ground,
        statement=body.statement,
    )
    made = propose_decision(
        engine=state.engine,
        settings=state.settings,
        case_id=case_id,
        actor=key.name,
        proposal=proposal,
    )
    return made.to_dict()


ProposalId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


@router.post(
    "/v1/proposals/{proposal_id}/approve", response_model=ProposalRecord, responses=_CONFLICT
)
def post_approve(
    proposal_id: ProposalId, body: ReviewIn, key: AuthorizedKey, state: StateDep
) -> dict[str, Any]:
    """A lead other than the proposer approves (403 for the proposer): it takes effect."""
    reviewed = approve_proposal(
        engine=state.engine,
        settings=state.settings,
        proposal_id=proposal_id,
        actor=key.name,
        note=body.note,
    )
    return reviewed.to_dict()


@router.post(
    "/v1/proposals/{proposal_id}/reject", response_model=ProposalRecord, responses=_CONFLICT
)
def post_reject(
    proposal_id: ProposalId, body: ReviewIn, key: AuthorizedKey, engine: EngineDep
) -> dict[str, Any]:
    """A lead other than the proposer sends the case back to its assignee."""
    reviewed = reject_proposal(
        engine=engine, proposal_id=proposal_id, actor=key.name, note=body.note
    )
    return reviewed.to_dict()


@router.post("/v1/cases/{case_id}/close", response_model=CaseRecord, responses=_CONFLICT)
def post_close(case_id: CaseId, key: AuthorizedKey, engine: EngineDep) -> dict[str, Any]:
    """Close a decided case (its assignee or a lead)."""
    closed = close_case(engine=engine, case_id=case_id, actor=key.name, is_lead=key.role == LEAD)
    return closed.to_dict()


@router.post("/v1/appeals", status_code=201, response_model=AppealRecord, responses=_CONFLICT)
def post_appeal(body: AppealIn, key: AuthorizedKey, state: StateDep) -> dict[str, Any]:
    """File an appeal for the seller against an action, within the window (default 6 months;
    422 naming the day it closed)."""
    filed = file_appeal(
        engine=state.engine,
        settings=state.settings,
        action_id=body.action_id,
        actor=key.name,
        grounds=body.grounds,
    )
    return filed.to_dict()


@router.post("/v1/appeals/{appeal_id}/decision", response_model=AppealRecord, responses=_CONFLICT)
def post_appeal_decision(
    appeal_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)],
    body: AppealDecisionIn,
    key: AuthorizedKey,
    engine: EngineDep,
) -> dict[str, Any]:
    """Uphold or overturn (403 for whoever decided or approved the action). An overturn
    reverses the action and records a dismissal for the account (its new label)."""
    decided = decide_appeal(
        engine=engine,
        appeal_id=appeal_id,
        actor=key.name,
        outcome=body.outcome,
        reasons=body.reasons,
    )
    return decided.to_dict()


@router.get("/v1/transparency", response_model=TransparencyOut)
def get_transparency(
    key: AuthorizedKey,
    state: StateDep,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """Case work for regulators over [since, until): actions by type and legal ground, how
    decisions were reached, median time from flag to action, SLA breaches, appeals, and the
    DSA statements of reasons of the actions that restrict."""
    return case_work_report(
        engine=state.engine,
        since=since,
        until=until,
        platform_name=state.settings.platform_name,
    )
