"""The review queue: one page of it (the API), and the same page with each account's top reason
in the reader's language (the console)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from models.explain_text import check_lang
from risk.service.accounts import reworded_reasons
from risk.store.records import QueuePage
from risk.store.scores import review_queue

if TYPE_CHECKING:
    from models.explainer import Explainer


@dataclass(frozen=True)
class QueueView:
    """A queue page and, per account, its strongest stored reason in the reader's language."""

    page: QueuePage
    top_reasons: dict[str, str]


def queue_page(
    *,
    engine: Engine,
    bands: Sequence[str] | None,
    region: str | None,
    network_id: str | None,
    decision_status: str,
    roles: Sequence[str] | None,
    limit: int,
    offset: int,
) -> QueuePage:
    """Accounts to review in the latest published run, highest score first (not audited)."""
    return review_queue(
        engine,
        bands=bands,
        region=region,
        network_id=network_id,
        decision_status=decision_status,
        roles=roles,
        limit=limit,
        offset=offset,
    )


def queue_view(
    *,
    engine: Engine,
    bands: Sequence[str] | None,
    region: str | None,
    network_id: str | None,
    decision_status: str,
    limit: int,
    roles: Sequence[str] | None = None,
    offset: int,
    explainer: Explainer | None = None,
    lang: str = "en",
) -> QueueView:
    """Accounts to review, riskiest first, each with its first reason re-worded in ``lang``."""
    chosen = check_lang(lang)
    page = queue_page(
        engine=engine,
        bands=bands,
        region=region,
        network_id=network_id,
        decision_status=decision_status,
        roles=roles,
        limit=limit,
        offset=offset,
    )
    top: dict[str, str] = {}
    for item in page.items:  # one page (<= 1000 rows): the first reason of each
        first = (item.reasons or [])[:1]
        worded = reworded_reasons(first, explainer, chosen)
        if worded:
            top[item.account_id] = str(worded[0].get("text", ""))
    return QueueView(page=page, top_reasons=top)
