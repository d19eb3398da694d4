"""What an operator graphs, read from the store in one short transaction: the published run,
the review queue's depth, decisions by outcome, audit entries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, and_, exists, func, select

from risk.store.db import read_transaction
from risk.store.records import RunRecord
from risk.store.runs import latest_published_in
from risk.store.schema import audit_table, decisions_table, scores_table
from risk.vocab import FLAGGED_BANDS

_s, _d = scores_table.c, decisions_table.c


@dataclass(frozen=True)
class StoreFigures:
    """The store's figures at one moment."""

    published: RunRecord | None
    queue_depth: int  # accounts of the published run at a flagged band with no decision yet
    decisions: dict[str, int] = field(default_factory=dict)  # decision -> count, ever
    audit_entries: int = 0
    # (band, latest decision) -> accounts of the published run: how each band's flags held up
    band_decisions: dict[tuple[str, str], int] = field(default_factory=dict)


def store_figures(engine: Engine) -> StoreFigures:
    """Read the figures (four small queries; the queue count uses the scores' run index)."""
    with read_transaction(engine) as connection:
        published = latest_published_in(connection)
        depth = 0
        if published is not None:
            decided = exists().where(_d.account_id == _s.account_id)
            depth = connection.execute(
                select(func.count())
                .select_from(scores_table)
                .where(_s.run_id == published.id, _s.band.in_(FLAGGED_BANDS), ~decided)
            ).scalar_one()
        by_band = {} if published is None else _band_decisions(connection, published.id)
        decisions: dict[str, int] = {
            str(decision): int(count)
            for decision, count in connection.execute(
                select(_d.decision, func.count()).group_by(_d.decision)
            ).all()
        }
        # entries are numbered from 1 without gaps (the chain): the last number is the count
        entries = connection.execute(select(func.max(audit_table.c.seq))).scalar_one() or 0
    return StoreFigures(published, int(depth), decisions, int(entries), by_band)


def _band_decisions(connection: Connection, run_id: str) -> dict[tuple[str, str], int]:
    """Decided accounts of a run by band and latest decision (from the decisions, which are
    few, to their score rows)."""
    order = (_d.created_at.desc(), _d.id.desc())
    latest = select(
        _d.account_id,
        _d.decision,
        func.row_number().over(partition_by=_d.account_id, order_by=order).label("n"),
    ).subquery()
    rows = connection.execute(
        select(_s.band, latest.c.decision, func.count())
        .join_from(latest, scores_table, and_(_s.account_id == latest.c.account_id))
        .where(_s.run_id == run_id, latest.c.n == 1)
        .group_by(_s.band, latest.c.decision)
    ).all()
    return {(str(band), str(decision)): int(count) for band, decision, count in rows}
