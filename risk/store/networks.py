"""Networks of a published run, summed in the database: one network, or the flagged ones.

A pyramid network can hold hundreds of thousands of accounts: only its sums per (tier, band)
and its first flagged accounts leave the database, never an account's features; the list of
networks is one GROUP BY over the run (the run/network index), a page of it leaving.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import JSON, Connection, Engine, Float, Text, case, cast, column, func, select, true

from risk.errors import StoreInputError
from risk.store.db import read_transaction
from risk.store.run_values import read_values_frame, values_file_of
from risk.store.schema import scores_table

UNKNOWN_TIER = -1  # accounts whose tier is not recorded
_s = scores_table.c


@dataclass(frozen=True)
class NetworkGroups:
    """A network in a run: its accounts summed per (tier, band), its flagged accounts by rank."""

    run_id: str
    # tier, band, accounts, score_sum, first_rank, then one sum per money feature (0 if none)
    groups: pd.DataFrame
    # account_id, tier, score, band, rank, role, role_probability, root, flagged: the root and
    # likely organizers, then the first flagged accounts by rank (``listed`` in all)
    flagged: list[dict[str, Any]]


def _network_clause(run_id: str, network_id: str) -> Any:
    """The network's rows in the run (the run/network index)."""
    return (_s.run_id == run_id) & (_s.network_id == network_id)


def _sqlite_members(clause: Any, money: Sequence[str]) -> Any:
    """The network's rows with each money feature as a number (NULL when not a JSON number).

    SQLite (before 3.45) parses the features text on every json_extract; one call with every
    path parses it once and returns a small array. MATERIALIZED keeps SQLite from copying that
    call into each sum below (about 2.5x faster than a call per feature on 200,000 accounts).
    """
    paths = [f'$."{name}"' for name in money]
    extracted = (
        select(
            _s.tier,
            _s.band,
            _s.score,
            _s.rank,
            func.json_extract(_s.features, *paths).label("money"),
        )
        .where(clause)
        .cte("extracted")
        .prefix_with("MATERIALIZED")
    )
    c = extracted.c
    values = [
        case(
            (
                func.json_type(c.money, f"$[{i}]").in_(("integer", "real")),
                func.json_extract(c.money, f"$[{i}]"),
            )
        ).label(name)
        for i, name in enumerate(money)
    ]
    return select(c.tier, c.band, c.score, c.rank, *values).subquery("members")


def _postgresql_members(clause: Any, money: Sequence[str]) -> Any:
    """The network's rows with each money feature as a number (NULL when not a JSON number).

    The column is ``json`` (text): each ``->>`` would decompress and parse it again, so
    json_to_record reads every money feature in one pass (about 3.5x faster on 200,000).
    """
    record = (
        func.json_to_record(_s.features)
        .table_valued(*[column(name, JSON) for name in money])
        .render_derived(name="money", with_types=True)
        .lateral()
    )
    values = [
        case(
            (
                func.json_typeof(record.c[name]) == "number",
                cast(cast(record.c[name], Text), Float),
            )
        ).label(name)
        for name in money
    ]
    return (
        select(_s.tier, _s.band, _s.score, _s.rank, *values)
        .select_from(scores_table.outerjoin(record, true()))
        .where(clause)
        .subquery("members")
    )


def _groups(connection: Connection, clause: Any, money: Sequence[str]) -> pd.DataFrame:
    """One row per (tier, band): accounts, score sum, first rank and the money sums."""
    dialect = connection.dialect.name
    members = (_postgresql_members if dialect == "postgresql" else _sqlite_members)(clause, money)
    m = members.c
    tier = func.coalesce(m.tier, UNKNOWN_TIER)
    rows = connection.execute(
        select(
            tier.label("tier"),
            m.band,
            func.count().label("accounts"),
            func.sum(m.score).label("score_sum"),
            func.min(m.rank).label("first_rank"),
            *[func.coalesce(func.sum(m[name]), 0.0).label(name) for name in money],
        )
        .group_by(tier, m.band)
        .order_by(tier, m.band)
    ).all()
    columns = ["tier", "band", "accounts", "score_sum", "first_rank", *money]
    groups = pd.DataFrame.from_records(rows, columns=columns)
    return groups.astype({name: "float64" for name in ("score_sum", *money)})


def _groups_from_file(
    connection: Connection, clause: Any, values_file: Path, money: Sequence[str]
) -> pd.DataFrame:
    """``_groups`` for a run whose feature values are in its values file: the network's rows
    from the database, their money features from the file, summed in pandas."""
    members = pd.DataFrame.from_records(
        connection.execute(
            select(_s.account_id, _s.tier, _s.band, _s.score, _s.rank).where(clause)
        ).all(),
        columns=["account_id", "tier", "band", "score", "rank"],
    )
    values = read_values_frame(values_file, members["account_id"].tolist(), money)
    members = members.join(values.astype("float64").fillna(0.0), on="account_id")
    members["tier"] = members["tier"].fillna(UNKNOWN_TIER).astype("int64")
    groups = (
        members.groupby(["tier", "band"], sort=True)
        .agg(
            accounts=("account_id", "size"),
            score_sum=("score", "sum"),
            first_rank=("rank", "min"),
            **{name: (name, "sum") for name in money},
        )
        .reset_index()
    )
    columns = ["tier", "band", "accounts", "score_sum", "first_rank", *money]
    return groups[columns].astype({name: "float64" for name in ("score_sum", *money)})


def _flagged(
    connection: Connection,
    clause: Any,
    network_id: str,
    flagged_bands: Sequence[str],
    listed: int,
) -> list[dict[str, Any]]:
    """The network's root account and likely organizers (whatever their band, never left off
    the list), then its first flagged accounts by rank: ``listed`` in all. ``root`` marks the
    root, ``flagged`` whether the account is in a flagged band."""
    is_root = _s.account_id == network_id
    is_flagged = _s.band.in_(list(flagged_bands))
    pinned = case((is_root, 0), (_s.role == "organizer", 1), else_=2)
    flagged = (
        select(
            _s.account_id,
            func.coalesce(_s.tier, UNKNOWN_TIER).label("tier"),
            _s.score,
            _s.band,
            _s.rank,
            _s.role,
            _s.role_probability,
            is_root.label("root"),
            is_flagged.label("flagged"),
            pinned.label("pinned"),
        )
        .where(clause & (is_flagged | is_root | (_s.role == "organizer")))
        .cte("flagged")
        # Without statistics SQLite would walk the whole run by rank to find a small
        # network's few flagged accounts; materialized, it reads only the network's rows.
        # PostgreSQL's planner chooses by its statistics (by rank for a huge network).
        .prefix_with("MATERIALIZED", dialect="sqlite")
    )
    rows = connection.execute(
        select(flagged)
        .order_by(flagged.c.pinned, flagged.c.rank, flagged.c.account_id)
        .limit(listed)
    ).all()
    out = []
    for row in rows:
        account = dict(row._mapping)
        account.pop("pinned")
        account["root"], account["flagged"] = bool(account["root"]), bool(account["flagged"])
        out.append(account)
    return out


def network_groups(
    engine: Engine,
    network_id: str,
    *,
    run_id: str,
    money: Sequence[str],
    flagged_bands: Sequence[str],
    listed: int,
) -> NetworkGroups:
    """The network in the run given (no groups if it has no account there).

    ``money`` names the features summed (two or more: SQLite's json_extract returns an array
    only for several paths); a value that is missing, null or not a number counts 0.
    """
    if len(money) < 2:
        raise StoreInputError("network_groups sums two or more money features")
    with read_transaction(engine) as connection:
        clause = _network_clause(run_id, network_id)
        values_file = values_file_of(connection, run_id)
        if values_file is None:
            groups = _groups(connection, clause, money)
        else:
            groups = _groups_from_file(connection, clause, values_file, money)
        flagged = _flagged(connection, clause, network_id, flagged_bands, listed)
    return NetworkGroups(run_id=run_id, groups=groups, flagged=flagged)
