"""Webhook subscriptions: admins create (the secret shown once) and revoke; admins and leads
list them and read the delivery log (api/roles.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import AuthorizedKey, EngineDep
from api.schemas import ErrorBody
from api.schemas_cases import CreatedSubscriptionOut, SubscriptionIn
from risk.service.webhooks import (
    DeliveryRecord,
    SubscriptionRecord,
    list_deliveries,
    list_subscriptions,
    revoke_subscription,
    subscribe,
)
from risk.vocab import MAX_ROW_ID

router = APIRouter(tags=["webhooks"])
SubscriptionId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


@router.post("/v1/webhooks", status_code=201, response_model=CreatedSubscriptionOut)
def post_webhook(body: SubscriptionIn, key: AuthorizedKey, engine: EngineDep) -> dict[str, Any]:
    """Subscribe an endpoint to case events; the response holds its signing secret, once."""
    secret, made = subscribe(engine=engine, url=body.url, events=body.events, actor=key.name)
    return {**made.to_dict(), "secret": secret}


@router.get("/v1/webhooks", response_model=list[SubscriptionRecord])
def get_webhooks(key: AuthorizedKey, engine: EngineDep) -> list[dict[str, Any]]:
    """Every subscription (never its secret)."""
    return [record.to_dict() for record in list_subscriptions(engine=engine)]


@router.post(
    "/v1/webhooks/{subscription_id}/revoke",
    response_model=SubscriptionRecord,
    responses={404: {"model": ErrorBody}},
)
def post_revoke_subscription(
    subscription_id: SubscriptionId, key: AuthorizedKey, engine: EngineDep
) -> dict[str, Any]:
    """Stop sending to the subscription (its waiting deliveries are marked failed)."""
    return revoke_subscription(engine=engine, subscription_id=subscription_id).to_dict()


@router.get("/v1/webhooks/{subscription_id}/deliveries", response_model=list[DeliveryRecord])
def get_deliveries(
    subscription_id: SubscriptionId,
    key: AuthorizedKey,
    engine: EngineDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """The delivery log, newest first: status, attempts, last HTTP status or error."""
    deliveries = list_deliveries(engine=engine, subscription_id=subscription_id, limit=limit)
    return [record.to_dict() for record in deliveries]
