"""The console's oversight pages: reviewer QA (a lead follows the blind sample and agreement
per moderator; moderators and leads take the next blind review) and webhooks (admins and
leads read the subscriptions and their delivery log, retries included)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.console.access import PREFIX, denied, form_denied
from api.console.auth import CSRF_FIELD, ConsoleUserDep, redirect
from api.console.render import error_page, page
from api.deps import StateDep
from features.errors import ServiceError
from risk.service.cases import next_qa_review, qa_agreement, qa_sample, submit_qa_review
from risk.service.webhooks import list_deliveries, list_subscriptions
from risk.vocab import DECISIONS, MAX_ROW_ID

DELIVERIES_SHOWN = 20  # per subscription: the newest; the API pages through the rest
router = APIRouter()


@router.get("/qa", response_class=HTMLResponse)
def qa(request: Request, user: ConsoleUserDep, state: StateDep) -> Response:
    """The blind QA sample (who decided, who reviews, how it agreed) and agreement per
    moderator; the lead's page."""
    refused = denied(request, user, "qa")
    if refused is not None:
        return refused
    context = {
        "sample": qa_sample(engine=state.engine),
        "agreement": qa_agreement(engine=state.engine),
        "done": request.query_params.get("done"),
        "none": request.query_params.get("none"),
    }
    return page(request, "qa.html", context, user=user)


@router.post("/qa/next", response_class=HTMLResponse)
def take_review(
    request: Request,
    user: ConsoleUserDep,
    state: StateDep,
    sent: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """The caller's blind review (their open one, else the oldest waiting that is not their
    own decision): the accounts, a decision each, never the first outcomes."""
    refused = form_denied(request, user, sent, "qa_review")
    if refused is not None:
        return refused
    review = next_qa_review(engine=state.engine, actor=user.name)
    if review is None:
        return redirect(f"{PREFIX}/qa?none=1" if user.role == "lead" else f"{PREFIX}/cases")
    context = {"review": review, "decisions": DECISIONS}
    return page(request, "qa_review.html", context, user=user)


@router.post("/qa/{qa_id}")
async def submit_review(
    request: Request, qa_id: int, user: ConsoleUserDep, state: StateDep
) -> Response:
    """The blind reviewer's decision per account, compared with the case's."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    refused = form_denied(request, user, form.get(CSRF_FIELD, ""), "qa_review")
    if refused is not None:
        return refused
    if not 1 <= qa_id <= MAX_ROW_ID:
        return error_page(request, user, f"no QA review {qa_id}", 404)
    outcomes = {
        k.removeprefix("decision:"): v for k, v in form.items() if k.startswith("decision:")
    }
    try:
        submit_qa_review(engine=state.engine, qa_id=qa_id, actor=user.name, outcomes=outcomes)
    except ServiceError as error:
        return error_page(request, user, error.message, error.http_status)
    return redirect(f"{PREFIX}/qa?done={qa_id}" if user.role == "lead" else f"{PREFIX}/cases")


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks(request: Request, user: ConsoleUserDep, state: StateDep) -> Response:
    """Every subscription (never its secret) with its newest deliveries: status, attempts,
    the last answer or error and when the next retry is due."""
    refused = denied(request, user, "webhooks")
    if refused is not None:
        return refused
    subscriptions = [
        (
            subscription,
            list_deliveries(
                engine=state.engine, subscription_id=subscription.id, limit=DELIVERIES_SHOWN
            ),
        )
        for subscription in list_subscriptions(engine=state.engine)
    ]
    return page(request, "webhooks.html", {"subscriptions": subscriptions}, user=user)
