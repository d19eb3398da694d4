"""The review queue: one page of it, reasons and indicators worded in the reader's language (the
API), and the same page with each account's top reason (the console).

Exploration is a separate step on top of the default order: the run's pending exploration picks
(``risk.service.exploration``) take every ``gap``-th place of the unfiltered pending queue
(places 20, 40, ... for 5 picks in a queue of 100), marked ``reason: exploration``; the
ordinary order fills the other places. Filtered views keep the ordinary order and only mark
the picks they list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

from sqlalchemy import Engine
from typing_extensions import TypedDict, Unpack  # pydantic-compatible TypedDict on 3.11

from models.explain_text import check_lang
from risk.indicators.wording import worded_indicators
from risk.service.accounts import worded_reasons
from risk.service.exploration import ExplorationPlan, run_picks
from risk.store.exploration import pick_rows
from risk.store.records import DecidedScoreRow, QueueItem, QueuePage

__all__ = ["QueueItem", "QueueQuery", "QueueView", "queue_page", "queue_view"]
from risk.store.runs import latest_published_run
from risk.store.scores import review_queue
from risk.vocab import Lang, QueueReason

_ITEM_FIELDS = tuple(f.name for f in fields(QueueItem) if f.name != "reason")


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


def queue_page(
    *,
    engine: Engine,
    lang: str = "en",
    plan: ExplorationPlan | None = None,
    **query: Unpack[QueueQuery],
) -> QueuePage:
    """Accounts to review in the latest published run, highest score first (not audited), their
    reasons and indicators worded in ``lang``; with a ``plan``, its exploration picks placed."""
    chosen = check_lang(lang)
    page = _explored(engine, plan, query)
    return replace(page, items=[_worded(item, chosen) for item in page.items])


def _item(row: DecidedScoreRow, reason: QueueReason) -> QueueItem:
    return QueueItem(**{name: getattr(row, name) for name in _ITEM_FIELDS}, reason=reason)


def _marked(page: QueuePage, picked: set[str]) -> QueuePage:
    """The page with each row's reason: exploration for the run's picks, risk otherwise."""
    items = [_item(r, "exploration" if r.account_id in picked else "risk") for r in page.items]
    return replace(page, items=items)


def _explored(engine: Engine, plan: ExplorationPlan | None, query: QueueQuery) -> QueuePage:
    run = latest_published_run(engine)
    if plan is None or run is None:
        return _marked(review_queue(engine, **query), set())
    picks = run_picks(engine=engine, run_id=run.id, plan=plan)
    default_view = query["decision_status"] == "pending" and not any(
        query[name] for name in ("bands", "region", "network_id", "roles")
    )
    pending = picks.loc[picks["decision"].isna(), "account_id"].tolist()
    if not default_view or not pending:
        return _marked(review_queue(engine, **query, run_id=run.id), set(picks["account_id"]))
    return _interleaved(engine, run.id, plan.gap, pending, query)


def _ordinary(
    engine: Engine, run_id: str, picks: list[str], slots: list[int], query: QueueQuery
) -> tuple[QueuePage, list[DecidedScoreRow]]:
    """The ordinary rows (picks left out) that fill the page's places that are not slots."""
    offset, limit = query["offset"], query["limit"]
    before = sum(slot < offset for slot in slots)
    inside = sum(offset <= slot < offset + limit for slot in slots)
    window = {**query, "offset": offset - before, "limit": max(1, limit - inside)}
    page = review_queue(engine, **window, run_id=run_id, exclude=picks)  # type: ignore[arg-type]
    return page, list(page.items[: limit - inside])


def _interleaved(
    engine: Engine, run_id: str, gap: int, picks: list[str], query: QueueQuery
) -> QueuePage:
    """The default queue page with the pending picks at places gap, 2 gap, ... (0-based slots
    gap - 1, ...; after the last ordinary account when the queue is shorter)."""
    slots = [(j + 1) * gap - 1 for j in range(len(picks))]
    page, ordinary = _ordinary(engine, run_id, picks, slots, query)
    clamped = [min(slot, page.total + j) for j, slot in enumerate(slots)]
    if clamped != slots:
        slots = clamped
        page, ordinary = _ordinary(engine, run_id, picks, slots, query)
    rows = {row.account_id: row for row in pick_rows(engine, run_id, picks)}
    at_slot = {slot: rows[account] for slot, account in zip(slots, picks, strict=True)}
    rest = iter(ordinary)
    items: list[QueueItem] = []
    for place in range(query["offset"], query["offset"] + query["limit"]):
        if place in at_slot:
            items.append(_item(at_slot[place], "exploration"))
        elif (row := next(rest, None)) is not None:
            items.append(_item(row, "risk"))
        else:
            break
    return replace(page, items=items, total=page.total + len(picks))


def _worded(item: DecidedScoreRow, lang: Lang) -> DecidedScoreRow:
    """A queue row with its reasons and indicators worded in ``lang`` (missing stays missing)."""
    reasons = None if item.reasons is None else worded_reasons(item.reasons, lang)
    indicators = None if item.indicators is None else worded_indicators(item.indicators, lang)
    return replace(item, reasons=reasons, indicators=indicators)


def queue_view(
    *,
    engine: Engine,
    lang: str = "en",
    plan: ExplorationPlan | None = None,
    **query: Unpack[QueueQuery],
) -> QueueView:
    """Accounts to review, riskiest first, each with its first reason worded in ``lang``."""
    page = queue_page(engine=engine, lang=lang, plan=plan, **query)
    top = {item.account_id: item.reasons[0].get("text", "") for item in page.items if item.reasons}
    return QueueView(page=page, top_reasons=top)
