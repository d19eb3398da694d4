"""Webhooks: the platform subscribes to case events; each event is written to an outbox in the
same transaction as the change it reports (so a failing endpoint never holds back a decision),
then sent, signed, and retried with exponential backoff; every attempt is logged.

Signatures follow the Standard Webhooks scheme (standardwebhooks.com): headers ``webhook-id``,
``webhook-timestamp`` (Unix seconds) and ``webhook-signature: v1,<base64 HMAC-SHA256 of
"{id}.{timestamp}.{body}">`` with the subscription's secret; receivers reject old timestamps.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, insert, select, update

from risk.cases.errors import CaseNotFoundError
from risk.errors import StoreInputError
from risk.jsontext import canonical_json
from risk.store.db import write_transaction
from risk.store.records import _Record
from risk.store.schema import attempts_table, deliveries_table, subscriptions_table
from risk.store.types import utcnow
from risk.vocab import WEBHOOK_EVENTS

if TYPE_CHECKING:
    import httpx

SECRET_PREFIX = "whsec_"
MAX_BACKOFF = timedelta(hours=6)
LEASE = timedelta(minutes=2)  # a claimed delivery is not claimed again while being sent
_s, _d = subscriptions_table.c, deliveries_table.c


@dataclass(frozen=True)
class SubscriptionRecord(_Record):
    """A subscription's public facts (its secret is shown once, at creation)."""

    id: int
    url: str
    events: list[str]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class DeliveryRecord(_Record):
    """One event for one subscription and how its sending went."""

    id: int
    subscription_id: int
    event: str
    created_at: datetime
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for a body."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def subscribe(
    engine: Engine, *, url: str, events: Sequence[str], actor: str
) -> tuple[str, SubscriptionRecord]:
    """A new subscription and its secret (plaintext returned once)."""
    if not url.startswith(("http://", "https://")):
        raise StoreInputError(f"url must start with http:// or https://: {url!r}")
    unknown = sorted(set(events) - set(WEBHOOK_EVENTS))
    if unknown or not events:
        raise StoreInputError(f"events must be some of {', '.join(WEBHOOK_EVENTS)}: {unknown}")
    secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    with write_transaction(engine) as connection:
        values = dict(
            url=url,
            secret=secret,
            events=sorted(set(events)),
            created_by=actor,
            created_at=utcnow(),
            revoked_at=None,
        )
        new_id = connection.execute(
            insert(subscriptions_table).values(**values).returning(_s.id)
        ).scalar_one()
    del values["secret"]
    return secret, SubscriptionRecord(id=new_id, **values)  # type: ignore[arg-type]


def list_subscriptions(engine: Engine) -> list[SubscriptionRecord]:
    with engine.connect() as connection:
        rows = connection.execute(select(subscriptions_table).order_by(_s.id))
        return [SubscriptionRecord.from_row(row) for row in rows]


def revoke(engine: Engine, *, subscription_id: int) -> SubscriptionRecord:
    """Stop sending to a subscription (pending deliveries are dropped from the queue)."""
    with write_transaction(engine) as connection:
        row = connection.execute(
            select(subscriptions_table).where(_s.id == subscription_id)
        ).first()
        if row is None:
            raise CaseNotFoundError(f"no webhook subscription {subscription_id}")
        now = row.revoked_at or utcnow()
        connection.execute(
            update(subscriptions_table).where(_s.id == subscription_id).values(revoked_at=now)
        )
        connection.execute(
            update(deliveries_table)
            .where((_d.subscription_id == subscription_id) & (_d.status == "pending"))
            .values(status="failed", last_error="subscription revoked", next_attempt_at=None)
        )
        row = connection.execute(select(subscriptions_table).where(_s.id == subscription_id)).one()
    return SubscriptionRecord.from_row(row)


def enqueue_in(connection: Connection, event: str, payload: dict[str, Any]) -> int:
    """Queue ``event`` for every active subscription to it, in the caller's transaction."""
    now = utcnow()
    subscribed = [
        row.id
        for row in connection.execute(select(_s.id, _s.events).where(_s.revoked_at.is_(None)))
        if event in row.events
    ]
    if subscribed:
        body = {"type": event, "timestamp": now.isoformat(), "data": payload}
        rows = [
            dict(
                subscription_id=sub,
                event=event,
                payload=body,
                created_at=now,
                status="pending",
                attempts=0,
                next_attempt_at=now,
            )
            for sub in subscribed
        ]
        connection.execute(insert(deliveries_table), rows)
    return len(subscribed)


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Wait before the next attempt after ``attempts`` failed ones: base, 2 base, 4 base..."""
    return min(timedelta(seconds=base_seconds * 2 ** (attempts - 1)), MAX_BACKOFF)


def _anything_due(engine: Engine, now: datetime) -> bool:
    """A plain read first: an idle sender never takes the store's write lock."""
    query = select(_d.id).where((_d.status == "pending") & (_d.next_attempt_at <= now)).limit(1)
    with engine.connect() as connection:
        return connection.execute(query).first() is not None


def _claim_due(engine: Engine, limit: int) -> list[Any]:
    """Due deliveries with their subscription, leased to this sender (SKIP LOCKED on PG)."""
    now = utcnow()
    if not _anything_due(engine, now):
        return []
    due = (
        select(deliveries_table, _s.url, _s.secret)
        .join(subscriptions_table, _s.id == _d.subscription_id)
        .where((_d.status == "pending") & (_d.next_attempt_at <= now))
        .order_by(_d.next_attempt_at, _d.id)
        .limit(limit)
        .with_for_update(of=deliveries_table, skip_locked=True)
    )
    with write_transaction(engine) as connection:
        rows = connection.execute(due).all()
        if rows:
            connection.execute(
                update(deliveries_table)
                .where(_d.id.in_([row.id for row in rows]))
                .values(next_attempt_at=now + LEASE)
            )
    return list(rows)


def _send(client: httpx.Client, row: Any) -> tuple[int | None, str | None, float]:
    """POST one delivery; (status code, error, seconds)."""
    body = canonical_json(row.payload).encode("utf-8")
    timestamp = int(time.time())
    message_id = f"delivery-{row.id}"
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(row.secret, message_id, timestamp, body),
        "webhook-event": row.event,
    }
    # lazy: httpx (~0.6 s): only a sender with something to send needs it, not the API's start
    import httpx

    started = time.perf_counter()
    try:
        response = client.post(row.url, content=body, headers=headers)
    except httpx.HTTPError as failure:
        return None, f"{type(failure).__name__}: {failure}"[:500], time.perf_counter() - started
    problem = None if response.is_success else f"HTTP {response.status_code}"
    return response.status_code, problem, time.perf_counter() - started


def _record_attempt(
    engine: Engine,
    row: Any,
    outcome: tuple[int | None, str | None, float],
    *,
    max_attempts: int,
    backoff_seconds: float,
) -> None:
    code, error, seconds = outcome
    attempts, now = row.attempts + 1, utcnow()
    if error is None:
        values: dict[str, Any] = dict(status="delivered", delivered_at=now, next_attempt_at=None)
    elif attempts >= max_attempts:
        values = dict(status="failed", next_attempt_at=None)
    else:
        values = dict(next_attempt_at=now + backoff(attempts, backoff_seconds))
    with write_transaction(engine) as connection:
        connection.execute(
            insert(attempts_table).values(
                delivery_id=row.id, at=now, status_code=code, error=error, seconds=seconds
            )
        )
        connection.execute(
            update(deliveries_table)
            .where(_d.id == row.id)
            .values(attempts=attempts, last_status_code=code, last_error=error, **values)
        )


def deliver_due(
    engine: Engine,
    *,
    max_attempts: int,
    backoff_seconds: float,
    timeout_seconds: float,
    limit: int = 50,
) -> int:
    """Send the deliveries that are due, once each; how many were attempted."""
    rows = _claim_due(engine, limit)
    if not rows:
        return 0
    # lazy: httpx (~0.6 s): only a sender with something to send needs it, not the API's start
    import httpx

    with httpx.Client(timeout=timeout_seconds, follow_redirects=False) as client:
        for row in rows:
            _record_attempt(
                engine,
                row,
                _send(client, row),
                max_attempts=max_attempts,
                backoff_seconds=backoff_seconds,
            )
    return len(rows)


def list_deliveries(engine: Engine, *, subscription_id: int, limit: int) -> list[DeliveryRecord]:
    """A subscription's deliveries, newest first (the log, without the payloads)."""
    query = (
        select(deliveries_table)
        .where(_d.subscription_id == subscription_id)
        .order_by(_d.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        return [DeliveryRecord.from_row(row) for row in connection.execute(query)]
