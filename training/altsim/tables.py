"""From the simulated world to the data contract's tables: ids, timestamps, declared levels,
commission statements per pay period."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from training.altsim.networks import REGIONS
from training.altsim.plans import KINDS, NAME_SETS
from training.altsim.world import World

OTHER_REGION_SHARE = 0.1  # members living outside their network's home province
_MIX = 2654435761  # odd: multiplying by it modulo 2**32 is a bijection, so ids stay unique


def hashed_ids(prefix: str, numbers: NDArray[np.int64], salt: int) -> NDArray[np.str_]:
    """Opaque, unique, non-sequential ids (``prefix`` + 8 hex digits) for 0..2**32-1."""
    mixed = ((numbers.astype(np.uint64) + np.uint64(salt)) * np.uint64(_MIX)) % np.uint64(2**32)
    return np.char.add(prefix, np.char.mod("%08x", mixed))


def optional_ids(ids: NDArray[np.str_], rows: NDArray[np.int64]) -> pd.Series:
    """``ids[rows]``, missing where ``rows`` is -1."""
    named = pd.Series(ids[np.maximum(rows, 0)], dtype="str")
    return named.where(rows >= 0)


def timestamps(world: World, days: NDArray[np.float64]) -> pd.DatetimeIndex:
    """Days since the start as UTC timestamps to the second (NaN -> NaT)."""
    seconds = np.floor(np.asarray(days, dtype=np.float64) * 86400.0)
    return pd.DatetimeIndex(pd.Timestamp(world.config.start) + pd.to_timedelta(seconds, unit="s"))


def accounts_table(world: World, ids: NDArray[np.str_]) -> pd.DataFrame:
    a, nw, n, rng = world.agents, world.networks, world.agents.count, world.rng
    region = nw.region[a.network[:n]]
    moved = rng.random(n) < OTHER_REGION_SHARE
    region = np.where(moved, rng.integers(0, len(REGIONS), n), region)
    names = np.array(NAME_SETS, dtype=object)
    name_set = world.plans.col("name_set")[a.plan[:n]].astype(np.int64)
    sponsor = a.sponsor[:n]
    return pd.DataFrame(
        {
            "account_id": ids,
            "sponsor_id": optional_ids(ids, sponsor),
            "joined_at": timestamps(world, a.joined[:n]),
            "entry_fee": np.round(a.fee_paid[:n], 2),
            "left_at": timestamps(world, a.left[:n]),
            "region": np.asarray(REGIONS)[region],
            "declared_level": names[name_set, a.level[:n]],
        }
    )


def consumer_ids(world: World, consumer: NDArray[np.int64]) -> NDArray[np.str_]:
    """Consumers numbered from 0; staged buyer ids (negative) numbered after them."""
    number = np.where(consumer >= 0, consumer, world.consumers - 1 - consumer)
    return hashed_ids("wx", number, salt=7)


def orders_table(world: World, orders: pd.DataFrame, ids: NDArray[np.str_]) -> pd.DataFrame:
    buyer = orders["buyer"].to_numpy().astype(np.int64)
    consumer = orders["consumer"].to_numpy().astype(np.int64)
    buyer_id = np.where(buyer >= 0, ids[np.maximum(buyer, 0)], consumer_ids(world, consumer))
    return pd.DataFrame(
        {
            "order_id": hashed_ids("o", np.arange(len(orders)), salt=3),
            "seller_id": ids[orders["seller"].to_numpy().astype(np.int64)],
            "buyer_id": buyer_id,
            "created_at": timestamps(world, orders["time"].to_numpy()),
            "amount": orders["amount"].to_numpy(),
            "quantity": orders["units"].to_numpy().astype(np.int64),
            "refunded": orders["refunded"].to_numpy(),
        }
    )


def paid_day(world: World, commissions: pd.DataFrame) -> NDArray[np.float64]:
    """When each payout is paid: the end of its day, or the day after its pay period ends."""
    period = world.plans.col("pay_period")[world.agents.plan[commissions["payee"].to_numpy()]]
    day = commissions["day"].to_numpy().astype(np.float64)
    statement = (np.floor(day / period) + 1.0) * period + 0.5
    return np.where(period > 1, statement, day + 0.95)


def commissions_table(
    world: World, commissions: pd.DataFrame, ids: NDArray[np.str_]
) -> pd.DataFrame:
    """One row per payout (daily plans) or per payee, kind and statement (periodic plans);
    statements not yet due at the end of the span are not in the table."""
    paid = paid_day(world, commissions)
    frame = commissions.assign(paid=paid)
    frame = frame[frame["paid"] <= world.config.span_days]
    periodic = world.plans.col("pay_period")[world.agents.plan[frame["payee"].to_numpy()]] > 1
    daily = frame[~periodic]
    grouped = frame[periodic].groupby(["payee", "kind", "paid"], as_index=False)["amount"].sum()
    grouped["source"] = -1
    rows = pd.concat([daily[grouped.columns], grouped], ignore_index=True)
    source = rows["source"].to_numpy().astype(np.int64)
    jitter = world.rng.uniform(0.0, 0.04, len(rows))
    return pd.DataFrame(
        {
            "payee_id": ids[rows["payee"].to_numpy().astype(np.int64)],
            "source_id": optional_ids(ids, source),
            "amount": np.round(rows["amount"].to_numpy(), 2),
            "kind": np.asarray(KINDS)[rows["kind"].to_numpy().astype(np.int64)],
            "paid_at": timestamps(world, rows["paid"].to_numpy() + jitter),
        }
    )
