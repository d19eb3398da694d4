"""Accounts: the stored score, explanations on demand, and decisions on them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from api.deps import AuthorizedKey, EngineDep, StateDep
from api.errors import error_responses
from api.responses import json_response
from api.schemas import AccountOut, DecisionIn, DecisionOut, ExplanationOut
from risk.service.accounts import account_view_grouped
from risk.service.decisions import record_decision
from risk.service.explanations import MAX_REASONS, explain_account
from risk.vocab import Lang

router = APIRouter(tags=["accounts"])

AccountId = Annotated[str, Path(min_length=1, max_length=200, description="The account id.")]
_ERRORS = error_responses(404, e404="The account has no published score.")


@router.get("/v1/accounts/{account_id}", response_model=AccountOut, responses=_ERRORS)
async def get_account(
    account_id: AccountId,
    key: AuthorizedKey,
    state: StateDep,
    lang: Lang = "en",
) -> Response:
    """Latest published score, band, rank, reasons, indicators and key features (audited)."""
    view = await account_view_grouped(
        committer=state.committer,
        account_id=account_id,
        actor=key.name,
        runs=state.runs,
        lang=lang,
        currency=state.settings.currency,
    )
    return json_response(asdict(view.out()))


@router.get(
    "/v1/accounts/{account_id}/explanation",
    response_model=ExplanationOut,
    responses=_ERRORS
    | error_responses(503, e503="No model is loaded (or it is still loading): see /ready."),
)
async def get_explanation(
    account_id: AccountId,
    key: AuthorizedKey,
    state: StateDep,
    lang: Lang = "en",
    top: Annotated[int, Query(ge=1, le=MAX_REASONS)] = 4,
) -> Response:
    """SHAP reasons computed now from the account's stored features (audited)."""
    explanation = await explain_account(
        committer=state.committer,
        account_id=account_id,
        actor=key.name,
        explainer=state.explainer,
        model_version=state.model_version or "",
        lang=lang,
        top=top,
    )
    return json_response(explanation)


@router.post(
    "/v1/accounts/{account_id}/decisions",
    response_model=DecisionOut,
    status_code=201,
    responses=_ERRORS,
)
def post_decision(
    account_id: AccountId, body: DecisionIn, key: AuthorizedKey, engine: EngineDep
) -> dict[str, Any]:
    """Record a decision (append-only; the reviewer is the key's name; audited)."""
    record = record_decision(
        engine=engine,
        account_id=account_id,
        decision=body.decision,
        note=body.note,
        reviewer=key.name,
    )
    return record.to_dict()
