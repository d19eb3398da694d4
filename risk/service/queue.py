"""The review queue: one page of it, reasons and indicators worded in the reader's language (the
API), and the same page with each account's top reason (the console).

Two orders (``risk.vocab.QUEUE_ORDERS``). The default, ``priority``, puts the accounts
moderators act on first: likely organizers and recruiters, then the other flagged accounts
(the queue's head, ``HEAD``); inside each of these groups the networks take turns, a few
accounts at a time (``NETWORK_TURN``), riskiest network (its stored network score) first, so
one network never fills a page. The rest follows by score. ``score`` is the pure score order.
:func:`priority_order` is the one place the default order is decided: a pure function over the
accounts' keys that others can compose with.

Exploration is a separate step on top of either order: the run's pending exploration picks
(``risk.service.exploration``) take every ``gap``-th place of the unfiltered pending queue
(places 20, 40, ... for 5 picks in a queue of 100), marked ``reason: exploration``, in the
day's queue: all bands or the flagged ones (the console's default); the ordinary order fills
the other places. Other filters keep the ordinary order and only mark the picks they list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine
from typing_extensions import TypedDict, Unpack  # pydantic-compatible TypedDict on 3.11

from models.explain_text import check_lang
from risk.errors import StoreInputError
from risk.indicators.wording import worded_indicators
from risk.service.accounts import worded_reasons
from risk.service.exploration import ExplorationPlan, run_picks
from risk.store.decisions import decided_accounts
from risk.store.exploration import pick_rows
from risk.store.records import DecidedScoreRow, QueueItem, QueueKey, QueuePage
from risk.store.runs import latest_published_run
from risk.store.scores import (
    QueueHead,
    check_page,
    flagged_pending,
    queue_keys,
    queue_rows,
    review_queue,
)
from risk.vocab import (
    ACTIONABLE_ROLES,
    DECISION_STATUSES,
    FLAGGED_BANDS,
    QUEUE_ORDERS,
    SCHEME_ROLES,
    Lang,
    QueueReason,
)

__all__ = [
    "QueueItem",
    "QueueQuery",
    "QueueView",
    "day_picks",
    "priority_order",
    "queue_page",
    "queue_view",
]

# How many accounts of one network come in a row before the next network's turn.
NETWORK_TURN = 3
# The queue's head, ordered by priority_order; the rest follows by score.
HEAD = QueueHead(roles=ACTIONABLE_ROLES, bands=FLAGGED_BANDS)
_ROLE_RANK: dict[str | None, int] = {
    role: rank for rank, role in enumerate(SCHEME_ROLES)
}  # organizer first


@dataclass(frozen=True)
class QueueView:
    """A queue page and, per account, its strongest stored reason in the reader's language."""

    page: QueuePage
    top_reasons: dict[str, str]


class QueueSelection(TypedDict):
    """What selects the accounts of a queue: its filters."""

    bands: Sequence[str] | None
    region: str | None
    network_id: str | None
    decision_status: str
    roles: Sequence[str] | None


class QueueQuery(QueueSelection):
    """What selects a queue page: the filters and the page (the store's ``review_queue``)."""

    limit: int
    offset: int


def _group(key: QueueKey) -> int:
    """0: a likely organizer or recruiter; 1: another flagged account; 2: the rest."""
    if key.role in ACTIONABLE_ROLES:
        return 0
    return 1 if key.band in FLAGGED_BANDS else 2


def priority_order(keys: Sequence[QueueKey], turn: int = NETWORK_TURN) -> list[QueueKey]:
    """The default queue order (see the module's docstring).

    Inside a group, each network's accounts line up organizer, recruiter, participant, then by
    score; the networks take turns of ``turn`` accounts, the riskiest network (network score,
    else the account's own score) first in every round. An account without a network is a
    network of one.
    """
    lines: dict[tuple[int, str], list[QueueKey]] = defaultdict(list)
    for key in keys:
        lines[(_group(key), key.network_id or f"account:{key.account_id}")].append(key)
    ordered: list[tuple[tuple[int, int, float, int, float, str], QueueKey]] = []
    for (group, _), line in lines.items():
        line.sort(key=lambda k: (_ROLE_RANK.get(k.role, len(SCHEME_ROLES)), -k.score))
        risk = max(k.network_score if k.network_score is not None else k.score for k in line)
        for place, key in enumerate(line):
            ordered.append(((group, place // turn, -risk, place, -key.score, key.account_id), key))
    ordered.sort(key=lambda pair: pair[0])
    return [key for _, key in ordered]


@lru_cache(maxsize=64)
def _head_keys(
    engine: Engine,
    run_id: str,
    bands: tuple[str, ...] | None,
    region: str | None,
    network_id: str | None,
    roles: tuple[str, ...] | None,
    exclude: tuple[str, ...],
) -> tuple[QueueKey, ...]:
    """The head's keys of a published run, decided or not: read once per run and filters (a
    published run's scores never change), not on every page; decisions are applied after."""
    _, keys = queue_keys(
        engine, head=HEAD, run_id=run_id, exclude=exclude, bands=bands, region=region,
        network_id=network_id, roles=roles, decision_status="all",
    )  # fmt: skip
    return tuple(keys)


def _pending_keys(
    engine: Engine, run_id: str, query: QueueQuery, exclude: Sequence[str]
) -> list[QueueKey]:
    """The head's keys the query's decision status keeps (the cached keys, minus or only the
    accounts with a decision on record)."""
    status = query["decision_status"]
    if status not in DECISION_STATUSES:
        raise StoreInputError(
            f"unknown decision_status {status!r}; use {', '.join(DECISION_STATUSES)}"
        )
    keys = _head_keys(
        engine,
        run_id,
        None if query["bands"] is None else tuple(query["bands"]),
        query["region"],
        query["network_id"],
        None if query["roles"] is None else tuple(query["roles"]),
        tuple(exclude),
    )
    if status == "all":
        return list(keys)
    decided = decided_accounts(engine)
    keep_decided = status == "decided"
    return [key for key in keys if (key.account_id in decided) == keep_decided]


def _check_order(order: str) -> None:
    if order not in QUEUE_ORDERS:
        raise StoreInputError(f"unknown order {order!r}; use {', '.join(QUEUE_ORDERS)}")


def _priority_page(
    engine: Engine, query: QueueQuery, run_id: str | None = None, exclude: Sequence[str] = ()
) -> QueuePage:
    """One page of the queue in the default order: the head (likely organizers and recruiters,
    flagged accounts) in :func:`priority_order`, then the rest by score; ``exclude`` leaves
    out accounts placed elsewhere (exploration picks)."""
    limit, offset = query["limit"], query["offset"]
    check_page(limit, offset)
    selection = {
        "bands": query["bands"],
        "region": query["region"],
        "network_id": query["network_id"],
        "decision_status": query["decision_status"],
        "roles": query["roles"],
    }
    latest = None if run_id else latest_published_run(engine)
    resolved = run_id or (latest.id if latest is not None else "")
    keys = _pending_keys(engine, resolved, query, exclude) if resolved else []
    chosen = [key.account_id for key in priority_order(keys)[offset : offset + limit]]
    items: list[DecidedScoreRow] = list(queue_rows(engine, resolved, chosen)) if resolved else []
    rest_offset = max(0, offset - len(keys))
    rest = review_queue(
        engine,
        **selection,  # type: ignore[arg-type]
        limit=max(1, limit - len(items)),
        offset=rest_offset,
        run_id=resolved or None,
        head=HEAD.outside(),
        exclude=exclude,
    )
    if len(items) < limit:
        items += rest.items[: limit - len(items)]
    return QueuePage(
        items=items,
        total=len(keys) + rest.total,
        limit=limit,
        offset=offset,
        run_id=resolved,
        order="priority",
    )


def _ordered(
    engine: Engine,
    order: str,
    query: QueueQuery,
    run_id: str | None = None,
    exclude: Sequence[str] = (),
) -> QueuePage:
    """One page in ``order`` (no exploration placed)."""
    if order == "priority":
        return _priority_page(engine, query, run_id, exclude)
    return review_queue(engine, **query, run_id=run_id, exclude=exclude)


def queue_page(
    *,
    engine: Engine,
    lang: str = "en",
    order: str = "priority",
    plan: ExplorationPlan | None = None,
    currency: str | None = None,
    **query: Unpack[QueueQuery],
) -> QueuePage:
    """Accounts to review in the latest published run (not audited), in ``order``, their
    reasons and indicators worded in ``lang`` (amounts in ``currency``), with the flagged
    accounts still pending; with a ``plan``, its exploration picks placed and marked."""
    chosen = check_lang(lang)
    _check_order(order)
    page = _explored(engine, plan, order, query)
    left = flagged_pending(engine, page.run_id) if page.run_id else 0
    items = [_worded(item, chosen, currency) for item in page.items]
    return replace(page, items=items, flagged_left=left)


_ITEM_FIELDS = tuple(f.name for f in fields(QueueItem) if f.name != "reason")


def _item(row: DecidedScoreRow, reason: QueueReason) -> QueueItem:
    return QueueItem(**{name: getattr(row, name) for name in _ITEM_FIELDS}, reason=reason)


def _marked(page: QueuePage, picked: set[str]) -> QueuePage:
    """The page with each row's reason: exploration for the run's picks, risk otherwise."""
    items = [_item(r, "exploration" if r.account_id in picked else "risk") for r in page.items]
    return replace(page, items=items)


def _shown_first(engine: Engine, run_id: str, count: int) -> list[str]:
    """The first ``count`` accounts of the run's day's queue before exploration: pending, every
    band, in the default order (what moderators decide anyway, so never drawn)."""
    if count <= 0:
        return []
    day: QueueQuery = {
        "bands": None,
        "region": None,
        "network_id": None,
        "decision_status": "pending",
        "roles": None,
        "limit": count,
        "offset": 0,
    }
    return [item.account_id for item in _priority_page(engine, day, run_id).items]


def day_picks(*, engine: Engine, run_id: str, plan: ExplorationPlan) -> pd.DataFrame:
    """The run's exploration picks (drawn on first use outside the day's queue's first places)
    with their latest decision."""
    return run_picks(
        engine=engine,
        run_id=run_id,
        plan=plan,
        shown_first=lambda count: _shown_first(engine, run_id, count),
    )


def _explored(
    engine: Engine, plan: ExplorationPlan | None, order: str, query: QueueQuery
) -> QueuePage:
    run = latest_published_run(engine)
    if plan is None or run is None:
        return _marked(_ordered(engine, order, query), set())
    picks = day_picks(engine=engine, run_id=run.id, plan=plan)
    # the day's queue: pending, all bands or the flagged ones (the console's default); any
    # other filter is a search, which keeps its order and only marks the picks it lists
    bands = query["bands"]
    default_view = (
        query["decision_status"] == "pending"
        and (not bands or set(bands) == set(FLAGGED_BANDS))
        and not any(query[name] for name in ("region", "network_id", "roles"))
    )
    pending = picks.loc[picks["decision"].isna(), "account_id"].tolist()
    if not default_view or not pending:
        return _marked(_ordered(engine, order, query, run.id), set(picks["account_id"]))
    return _interleaved(engine, run.id, plan.gap, pending, order, query)


def _ordinary(
    engine: Engine,
    run_id: str,
    picks: list[str],
    slots: list[int],
    order: str,
    query: QueueQuery,
) -> tuple[QueuePage, list[DecidedScoreRow]]:
    """The ordinary rows (picks left out) that fill the page's places that are not slots."""
    offset, limit = query["offset"], query["limit"]
    before = sum(slot < offset for slot in slots)
    inside = sum(offset <= slot < offset + limit for slot in slots)
    window: QueueQuery = {**query, "offset": offset - before, "limit": max(1, limit - inside)}
    page = _ordered(engine, order, window, run_id, picks)
    return page, list(page.items[: limit - inside])


def _interleaved(
    engine: Engine, run_id: str, gap: int, picks: list[str], order: str, query: QueueQuery
) -> QueuePage:
    """The default queue page with the pending picks at places gap, 2 gap, ... (0-based slots
    gap - 1, ...; after the last ordinary account when the queue is shorter)."""
    slots = [(j + 1) * gap - 1 for j in range(len(picks))]
    page, ordinary = _ordinary(engine, run_id, picks, slots, order, query)
    clamped = [min(slot, page.total + j) for j, slot in enumerate(slots)]
    if clamped != slots:
        slots = clamped
        page, ordinary = _ordinary(engine, run_id, picks, slots, order, query)
    rows = {row.account_id: row for row in pick_rows(engine, run_id, picks)}
    at_slot = {slot: rows[account] for slot, account in zip(slots, picks, strict=True)}
    rest = iter(ordinary)
    items: list[DecidedScoreRow] = []
    for place in range(query["offset"], query["offset"] + query["limit"]):
        if place in at_slot:
            items.append(_item(at_slot[place], "exploration"))
        elif (row := next(rest, None)) is not None:
            items.append(_item(row, "risk"))
        else:
            break
    return replace(page, items=items, total=page.total + len(picks))


def _worded(item: DecidedScoreRow, lang: Lang, currency: str | None) -> DecidedScoreRow:
    """A queue row with its reasons and indicators worded in ``lang`` (missing stays missing)."""
    reasons = None if item.reasons is None else worded_reasons(item.reasons, lang)
    indicators = (
        None if item.indicators is None else worded_indicators(item.indicators, lang, currency)
    )
    return replace(item, reasons=reasons, indicators=indicators)


def queue_view(
    *,
    engine: Engine,
    lang: str = "en",
    order: str = "priority",
    plan: ExplorationPlan | None = None,
    **query: Unpack[QueueQuery],
) -> QueueView:
    """Accounts to review in ``order`` (exploration picks placed with a ``plan``), each with
    its first reason worded in ``lang``."""
    page = queue_page(engine=engine, lang=lang, order=order, plan=plan, **query)
    top = {item.account_id: item.reasons[0].get("text", "") for item in page.items if item.reasons}
    return QueueView(page=page, top_reasons=top)


def next_in_queue(
    *,
    engine: Engine,
    decided: str,
    position: int,
    order: str = "priority",
    plan: ExplorationPlan | None = None,
    **selection: Unpack[QueueSelection],
) -> str | None:
    """The account to review after ``decided``, which stood at ``position`` (0-based) of the
    queue ``selection`` selects; None at the end of the queue. A pending queue has closed up
    over the decided account, so the account now at ``position`` is the next one."""
    page = queue_page(
        engine=engine, order=order, plan=plan, limit=2, offset=max(0, position), **selection
    )
    following = [item.account_id for item in page.items if item.account_id != decided]
    return following[0] if following else None
