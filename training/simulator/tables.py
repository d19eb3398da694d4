"""Arrays to the contract's tables (features.snapshot dtypes), with string ids built in Arrow."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from features.contract import ROLES
from training.simulator.families import FAMILIES, FAMILY_NAMES
from training.simulator.pay import KINDS, Commissions
from training.simulator.population import Population, roles
from training.simulator.trade import Orders

REGIONS = ("GD", "ZJ", "JS", "SD", "HN", "SC", "HB", "FJ", "SH", "BJ", "GX", "YN", "HK", "SG", "MY")
REGION_WEIGHTS = np.array([14, 11, 10, 9, 8, 7, 6, 6, 5, 5, 5, 4, 4, 3, 3], dtype=np.float64)
STAGE_IDS, STAGE_REGIONS = 31, 32
CONSUMER_MULTIPLIER = 0x9E3779B1  # odd: multiplying mod 2**k shuffles consumer numbers 1:1


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Zero-padded string ids such as A00000123 (never parseable as one int column)."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers, type=pa.int64()), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _text(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    """A pandas ``str`` column from an Arrow string array (nulls become NA)."""
    return pd.Series(values.to_pandas(), dtype="str")


def _times(start: datetime, seconds: np.ndarray) -> pd.Series:
    """Seconds since start as datetime64[us, UTC] (-1 = NaT)."""
    base = np.datetime64(start.replace(tzinfo=None), "us")
    values = base + seconds.astype("timedelta64[s]")
    values = np.where(seconds >= 0, values, np.datetime64("NaT", "us"))
    return pd.Series(values).dt.tz_localize("UTC")


def account_ids(n: int, seed: int) -> pa.Array:
    """Account ids, shuffled so that an id says nothing about the account's family."""
    numbers = np.random.default_rng([seed, STAGE_IDS]).permutation(n) + 1
    return _ids("A", numbers, max(7, len(str(n))))


def _declared_levels(population: Population) -> pa.Array:
    """The tier name each network's plan uses for the account's depth."""
    width = max(len(f.level_names) for f in FAMILIES)
    names = [f.level_names[min(i, len(f.level_names) - 1)] for f in FAMILIES for i in range(width)]
    index = population.habit * width + np.minimum(population.depth, width - 1)
    return pa.array(names, type=pa.string()).take(pa.array(index))


def _regions(population: Population, seed: int) -> pa.Array:
    """A home region per network; a tenth of accounts live elsewhere."""
    rng = np.random.default_rng([seed, STAGE_REGIONS])
    p = REGION_WEIGHTS / REGION_WEIGHTS.sum()
    home = rng.choice(len(REGIONS), int(population.network.max()) + 1, p=p)[population.network]
    moved = rng.random(len(home)) < 0.1
    region = np.where(moved, rng.choice(len(REGIONS), len(home), p=p), home)
    return pa.array(REGIONS, type=pa.string()).take(pa.array(region))


def accounts_table(
    population: Population, ids: pa.Array, start: datetime, seed: int
) -> pd.DataFrame:
    """The accounts table, one row per account, sorted by joined time then id."""
    parent = population.parent
    sponsor = ids.take(pa.array(np.maximum(parent, 0), mask=parent < 0))
    frame = pd.DataFrame(
        {
            "account_id": _text(ids),
            "sponsor_id": _text(sponsor),
            "joined_at": _times(start, population.joined),
            "entry_fee": population.entry_fee.astype(np.float64),
            "left_at": _times(start, population.left),
            "region": _text(_regions(population, seed)),
            "declared_level": _text(_declared_levels(population)),
        }
    )
    return frame.sort_values(["joined_at", "account_id"], kind="stable").reset_index(drop=True)


def labels_table(population: Population, ids: pa.Array) -> pd.DataFrame:
    """Label, role and network family per account (sorted by account id)."""
    role = pa.array(ROLES, type=pa.string()).take(pa.array(roles(population)))
    family = pa.array(FAMILY_NAMES, type=pa.string()).take(pa.array(population.family))
    frame = pd.DataFrame(
        {
            "account_id": _text(ids),
            "label": population.label.astype(np.int8),
            "role": _text(role),
            "family": _text(family),
        }
    )
    return frame.sort_values("account_id", kind="stable").reset_index(drop=True)


def _consumer_ids(numbers: np.ndarray) -> pa.Array:
    """Consumer ids C...: distinct from account ids, numbers shuffled 1:1."""
    bits = max(int(numbers.max()) + 1, 2).bit_length() if len(numbers) else 2
    mask = (1 << bits) - 1
    shuffled = (numbers.astype(np.uint64) * np.uint64(CONSUMER_MULTIPLIER)) & np.uint64(mask)
    return _ids("C", shuffled.astype(np.int64), len(str(mask)))


def orders_table(orders: Orders, ids: pa.Array, start: datetime) -> pd.DataFrame:
    """The orders table in the given (already sorted) order; order ids follow that order."""
    n = len(orders)
    agent = orders.buyer_is_account
    buyer = pc.if_else(
        pa.array(agent),
        ids.take(pa.array(np.where(agent, orders.buyer, 0))),
        _consumer_ids(np.where(agent, 0, orders.buyer)),
    )
    return pd.DataFrame(
        {
            "order_id": _text(_ids("O", np.arange(1, n + 1), max(9, len(str(n))))),
            "seller_id": _text(ids.take(pa.array(orders.seller))),
            "buyer_id": _text(buyer),
            "created_at": _times(start, orders.created),
            "amount": orders.amount.astype(np.float64),
            "quantity": orders.quantity.astype(np.int64),
            "refunded": orders.refunded.astype(bool),
        }
    )


def commissions_table(commissions: Commissions, ids: pa.Array, start: datetime) -> pd.DataFrame:
    """The commissions table in the given (already sorted) order."""
    source = commissions.source
    return pd.DataFrame(
        {
            "payee_id": _text(ids.take(pa.array(commissions.payee))),
            "source_id": _text(ids.take(pa.array(np.maximum(source, 0), mask=source < 0))),
            "amount": commissions.amount.astype(np.float64),
            "kind": _text(pa.array(KINDS, type=pa.string()).take(pa.array(commissions.kind))),
            "paid_at": _times(start, commissions.paid),
        }
    )
