"""The review queue: one page of it, reasons and indicators worded in the reader's language (the
API), and the same page with each account's top reason (the console)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Engine
from typing_extensions import TypedDict, Unpack  # pydantic-compatible TypedDict on 3.11

from models.explain_text import check_lang
from risk.indicators.wording import worded_indicators
from risk.service.accounts import worded_reasons
from risk.store.records import DecidedScoreRow, QueuePage
from risk.store.scores import review_queue
from risk.vocab import Lang


@dataclass(frozen=True)
class QueueView:
    """A queue page and, per account, its strongest stored reason in the reader's language."""

    page: QueuePage
    top_reasons: dict[str, str]


class QueueQuery(TypedDict):
    """What selects a queue page: the filters and the page (the store's ``review_queue``)."""

    bands: Sequence[str] | None
    region: str | None
    network_id: str | None
    decision_status: str
    roles: Sequence[str] | None
    limit: int
    offset: int


def queue_page(*, engine: Engine, lang: str = "en", **query: Unpack[QueueQuery]) -> QueuePage:
    """Accounts to review in the latest published run, highest score first (not audited), their
    reasons and indicators worded in ``lang``."""
    chosen = check_lang(lang)
    page = review_queue(engine, **query)
    return replace(page, items=[_worded(item, chosen) for item in page.items])


def _worded(item: DecidedScoreRow, lang: Lang) -> DecidedScoreRow:
    """A queue row with its reasons and indicators worded in ``lang`` (missing stays missing)."""
    reasons = None if item.reasons is None else worded_reasons(item.reasons, lang)
    indicators = None if item.indicators is None else worded_indicators(item.indicators, lang)
    return replace(item, reasons=reasons, indicators=indicators)


def queue_view(*, engine: Engine, lang: str = "en", **query: Unpack[QueueQuery]) -> QueueView:
    """Accounts to review, riskiest first, each with its first reason worded in ``lang``."""
    page = queue_page(engine=engine, lang=lang, **query)
    top = {item.account_id: item.reasons[0].get("text", "") for item in page.items if item.reasons}
    return QueueView(page=page, top_reasons=top)
