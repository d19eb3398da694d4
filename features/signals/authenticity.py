"""Consumer authenticity: do the buyers a seller calls consumers behave like consumers?

A consumer sale is an order whose buyer was not an account when it paid (DATA_CONTRACT). A real
consumer buys from one agent, sometimes a second (it changed agents, or bought a gift); it does
not buy from many members of the same network. Fake consumer sales (刷单) run through a pool of
buyer ids the network controls, and those ids "buy" from member after member: the stock shows as
sold to consumers while nobody outside the network bought it. So a consumer sale counts as
*shared* when its buyer id bought (kept orders, up to as_of) from at least
``SHARED_BUYER_MIN_SELLERS`` distinct members of the seller's network. A seller with loyal repeat
customers is untouched: however often they come back, they buy from it alone.

Fake consumers also come as fresh ids timed after stock arrives (the stock "sells" at once).
``post_restock_sales_excess`` compares the share of a seller's consumer orders paid within
``RESTOCK_WINDOW_DAYS`` after one of its own stock purchases with the share of its selling time
those windows cover (what the share would be if sales ignored when stock came). It is evidence
for moderators, not a model input: a seller that ran out of stock also sells more right after
restocking, so its reading depends on the platform.

Everything is counted within the seller's network only (the Spark engine computes one network
group at a time), over kept (not refunded) consumer orders, in exact integer money units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.signals.structure import ratio, sum_by
from features.signals.tables import MICROS_PER_DAY, NOT_AN_ACCOUNT, PointInTime

# One agent, sometimes a second: three or more distinct members of one network is not a
# consumer's habit but a pool of controlled buyer ids.
SHARED_BUYER_MIN_SELLERS = 3
RESTOCK_WINDOW_DAYS = 3  # "right after the stock arrived"


def kept_consumer_sales(pit: PointInTime) -> np.ndarray:
    """Orders that are consumer sales and were not refunded (bool per order)."""
    orders = pit.orders
    return (orders["buyer"].to_numpy() == NOT_AN_ACCOUNT) & ~orders["refunded"].to_numpy()


def shared_buyer_orders(pit: PointInTime, sales: np.ndarray) -> np.ndarray:
    """For each chosen consumer order, whether its buyer id bought (among the chosen orders)
    from at least SHARED_BUYER_MIN_SELLERS distinct members of the seller's network."""
    seller = pit.orders["seller"].to_numpy()[sales]
    consumer = pit.orders["consumer"].to_numpy()[sales]
    shared = np.zeros(len(consumer), dtype=bool)
    # a buyer id with fewer orders than that cannot qualify: most buyers are skipped here
    candidate = np.flatnonzero(np.bincount(consumer)[consumer] >= SHARED_BUYER_MIN_SELLERS)
    seller, consumer = seller[candidate], consumer[candidate]
    network = pit.forest.root[seller]
    # one dense code per (network, buyer id), then one int64 key per (buyer code, seller)
    buyer_key, buyers = pd.factorize(network * (int(consumer.max(initial=0)) + 1) + consumer)
    accounts = max(pit.size, 1)
    distinct_pairs = pd.unique(buyer_key.astype(np.int64) * accounts + seller)
    sellers_per_buyer = np.bincount(distinct_pairs // accounts, minlength=len(buyers))
    shared[candidate] = sellers_per_buyer[buyer_key] >= SHARED_BUYER_MIN_SELLERS
    return shared


def shared_consumer_sales(pit: PointInTime) -> np.ndarray:
    """Consumer sales (units) of each account to buyer ids shared across its network."""
    sales = kept_consumer_sales(pit)
    shared = shared_buyer_orders(pit, sales)
    seller = pit.orders["seller"].to_numpy()[sales][shared]
    return sum_by(seller, pit.orders["amount"].to_numpy()[sales][shared], pit.size)


def _restock_windows(pit: PointInTime) -> tuple[pd.DataFrame, np.ndarray]:
    """Each account's kept stock purchases (buyer, time; sorted by time) and the share of its
    selling time (joining to leaving or as_of) that the windows after them cover."""
    orders = pit.orders
    bought = (orders["buyer"].to_numpy() != NOT_AN_ACCOUNT) & ~orders["refunded"].to_numpy()
    stock = pd.DataFrame(
        {
            "account": orders["buyer"].to_numpy()[bought],
            "at": orders["created_us"].to_numpy()[bought],
        }
    ).drop_duplicates()
    stock = stock.sort_values(["account", "at"], kind="stable").reset_index(drop=True)
    account, at = stock["account"].to_numpy(), stock["at"].to_numpy()
    end = pit.left_us  # leaving time, or as_of for an active account
    following = np.append(at[1:], np.iinfo(np.int64).max)
    following = np.where(np.append(account[1:] == account[:-1], False), following, end[account])
    window = RESTOCK_WINDOW_DAYS * MICROS_PER_DAY
    covered = np.clip(np.minimum(at + window, following) - at, 0, None)
    span = end - pit.joined_us
    coverage = np.minimum(ratio(sum_by(account, covered, pit.size), span), 1.0)
    return stock.sort_values("at", kind="stable"), coverage


def post_restock_sales_excess(pit: PointInTime, consumer_orders: np.ndarray) -> np.ndarray:
    """Share of each account's kept consumer orders paid within the window after one of its
    own stock purchases, minus the share of its selling time those windows cover."""
    stock, coverage = _restock_windows(pit)
    orders = pit.orders
    stocked = np.bincount(stock["account"].to_numpy(), minlength=pit.size) > 0
    # only a seller that bought stock can sell inside a window: the others are left out here
    sales = kept_consumer_sales(pit) & stocked[orders["seller"].to_numpy()]
    sold = pd.DataFrame(
        {"seller": orders["seller"].to_numpy()[sales], "at": orders["created_us"].to_numpy()[sales]}
    ).sort_values("at", kind="stable")
    latest = pd.merge_asof(
        sold,
        stock.rename(columns={"account": "seller", "at": "stocked"}),
        left_on="at",
        right_on="stocked",
        by="seller",
    )
    since = latest["at"].to_numpy() - latest["stocked"].to_numpy(dtype=np.float64, na_value=-1.0)
    inside = (latest["stocked"].notna().to_numpy()) & (
        since <= RESTOCK_WINDOW_DAYS * MICROS_PER_DAY
    )
    seller = latest["seller"].to_numpy()
    observed = ratio(sum_by(seller, inside.astype(np.int64), pit.size), consumer_orders)
    return np.where(consumer_orders > 0, observed - coverage, 0.0)


def authenticity_signals(pit: PointInTime, base: pd.DataFrame) -> pd.DataFrame:
    """Shares of consumer sales made to buyer ids shared across the network: the account's own,
    its downline's, its top-level branch's and its network's; and the consumer sales share of
    its branch and network once those are set aside."""
    forest = pit.forest
    shared = shared_consumer_sales(pit)
    consumer = base["consumer_sales_amount"].to_numpy()
    sales = consumer + base["agent_sales_amount"].to_numpy()
    head = forest.branch_head()
    branch = {name: forest.subtree_sum(v)[head] for name, v in _sums(shared, consumer, sales)}
    network = {
        name: np.rint(forest.network_sum(v.astype(np.float64))).astype(np.int64)
        for name, v in _sums(shared, consumer, sales)
    }
    orders_sold = _consumer_order_counts(pit)
    return pd.DataFrame(
        {
            "shared_buyer_sales_share": ratio(shared, consumer),
            "downline_shared_buyer_sales_share": ratio(
                forest.downline_sum(shared), forest.downline_sum(consumer)
            ),
            "branch_shared_buyer_sales_share": ratio(branch["shared"], branch["consumer"]),
            "network_shared_buyer_sales_share": ratio(network["shared"], network["consumer"]),
            "branch_authentic_consumer_sales_share": ratio(
                branch["consumer"] - branch["shared"], branch["sales"]
            ),
            "network_authentic_consumer_sales_share": ratio(
                network["consumer"] - network["shared"], network["sales"]
            ),
            "post_restock_sales_excess": post_restock_sales_excess(pit, orders_sold),
            "_shared_consumer_sales": shared,
        },
        index=base.index,
    )


def _consumer_order_counts(pit: PointInTime) -> np.ndarray:
    """Kept consumer orders per seller."""
    sold = pit.orders["seller"].to_numpy()[kept_consumer_sales(pit)]
    return np.bincount(sold, minlength=pit.size).astype(np.int64)


def _sums(
    shared: np.ndarray, consumer: np.ndarray, sales: np.ndarray
) -> tuple[tuple[str, np.ndarray], ...]:
    return (("shared", shared), ("consumer", consumer), ("sales", sales))
