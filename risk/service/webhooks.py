"""Webhooks for the API: subscriptions (admins), their delivery log, and the sender thread
the API runs beside its workers (deliveries are queued by case work in its own transactions)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from sqlalchemy import Engine

from risk.cases import webhooks
from risk.cases.webhooks import DeliveryRecord as DeliveryRecord
from risk.cases.webhooks import SubscriptionRecord as SubscriptionRecord
from risk.settings import Settings

log = logging.getLogger(__name__)


def subscribe(
    *, engine: Engine, url: str, events: Sequence[str], actor: str
) -> tuple[str, SubscriptionRecord]:
    """A new subscription and its signing secret (shown this once)."""
    return webhooks.subscribe(engine, url=url, events=events, actor=actor)


def list_subscriptions(*, engine: Engine) -> list[SubscriptionRecord]:
    return webhooks.list_subscriptions(engine)


def revoke_subscription(*, engine: Engine, subscription_id: int) -> SubscriptionRecord:
    return webhooks.revoke(engine, subscription_id=subscription_id)


def list_deliveries(
    *, engine: Engine, subscription_id: int, limit: int = 100
) -> list[DeliveryRecord]:
    return webhooks.list_deliveries(engine, subscription_id=subscription_id, limit=limit)


def deliver_due(*, engine: Engine, settings: Settings) -> int:
    """One pass of the sender: every due delivery attempted once."""
    return webhooks.deliver_due(
        engine,
        max_attempts=settings.webhook_max_attempts,
        backoff_seconds=settings.webhook_backoff_seconds,
        timeout_seconds=settings.webhook_timeout_seconds,
    )


class WebhookSender:
    """A daemon thread sending due deliveries every ``webhook_poll_seconds`` until stopped."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-sender", daemon=True)

    def start(self) -> WebhookSender:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.settings.webhook_poll_seconds):
            try:
                while deliver_due(engine=self.engine, settings=self.settings):
                    if self._stop.is_set():
                        return
            except Exception:  # the sender must outlive a bad pass (store down, a bug)
                log.exception("webhook sender pass failed; retrying next poll")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
