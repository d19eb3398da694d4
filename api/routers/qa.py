"""Reviewer QA: a blind second review of sampled decided cases, and agreement per moderator."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from api.deps import AuthorizedKey, EngineDep
from api.schemas import ErrorBody
from api.schemas_cases import AgreementOut, QaReviewIn
from risk.service.cases import (
    QaAssignment,
    next_qa_review,
    qa_agreement,
    submit_qa_review,
)
from risk.vocab import MAX_ROW_ID

router = APIRouter(tags=["qa"])


@router.post(
    "/v1/qa/next",
    response_model=QaAssignment,
    responses={204: {"description": "Nothing to review."}},
)
def post_next(key: AuthorizedKey, engine: EngineDep) -> Any:
    """The caller's blind review of a case someone else decided: its accounts, not the outcomes."""
    assigned = next_qa_review(engine=engine, actor=key.name)
    return Response(status_code=204) if assigned is None else assigned.to_dict()


@router.post("/v1/qa/{qa_id}", responses={403: {"model": ErrorBody}, 409: {"model": ErrorBody}})
def post_review(
    qa_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)],
    body: QaReviewIn,
    key: AuthorizedKey,
    engine: EngineDep,
) -> dict[str, Any]:
    """Submit the review: the share of accounts decided as the case was counts as agreement."""
    outcomes = {o.account_id: o.decision for o in body.outcomes}
    return submit_qa_review(engine=engine, qa_id=qa_id, actor=key.name, outcomes=outcomes).to_dict()


@router.get("/v1/qa/agreement", response_model=list[AgreementOut])
def get_agreement(key: AuthorizedKey, engine: EngineDep) -> list[dict[str, Any]]:
    """Per moderator: QA reviews of their decisions, accounts compared, share agreed."""
    return qa_agreement(engine=engine)
