"""Businesses a simulator may lack, grafted onto a generated world (issue 15).

DOMAIN.md lists what real platforms hold that a simulator easily misses. Neither training
simulator has some of it, so a model trained on them never saw it and scores it by accident:
on an independently written platform the lawful franchises were most of the legitimate
accounts in the top of the queue, and schemes that fake their retail with fresh buyer ids
slipped through. Each graft below adds one of those habits to a world, as the platform's data
would show it, within the data contract:

- **franchises** (lawful, DOMAIN.md "Franchises take large refundable deposits"): a brand and
  its franchisees one tier below it, each franchisee paying a deposit of tens to a hundred and
  more list prices as its entry fee, restocking from the brand and selling it on to many real,
  often returning consumers; no commissions, nobody recruits;
- **fake retail** (schemes, "many fresh one-off ids that never buy elsewhere, timed after stock
  arrives, at exact list prices"): members of some scheme networks book sales to new buyer ids
  a few days after each stock purchase, at one of the network's list prices;
- **entry packages from the company** ("Entry packages may be bought from the company at the
  root rather than from the sponsor"): a member's first stock purchase after joining is sold by
  the network's root instead of the sponsor.

Labels follow the law, not the graft: franchises are legitimate, a scheme that fakes retail is
still a scheme. Everything is drawn from the world's own ``rng`` so a world stays reproducible.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from features.signals.tables import sponsorship_forest
from features.snapshot import Snapshot

DAY = pd.Timedelta(days=1)
FRANCHISE = "franchise"  # the grafted networks' family in the labels
PACKAGE_DAYS = 30  # a first purchase this soon after joining is the entry package


def network_of(snapshot: Snapshot) -> pd.Series:
    """The root account id of every account's network, indexed like ``snapshot.accounts``."""
    accounts = snapshot.accounts
    ids = pd.Index(accounts["account_id"])
    forest = sponsorship_forest(accounts, ids)
    return pd.Series(ids.to_numpy()[forest.root], index=accounts.index)


def typical_order(snapshot: Snapshot) -> float:
    """The median consumer order amount: the world's list-price scale."""
    orders = snapshot.orders
    consumer = ~orders["buyer_id"].isin(snapshot.accounts["account_id"])
    amounts = orders.loc[consumer, "amount"]
    return float(amounts.median()) if len(amounts) else float(orders["amount"].median())


def _span(snapshot: Snapshot) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First join to latest order: the period the world's events fall in."""
    return snapshot.accounts["joined_at"].min(), snapshot.orders["created_at"].max()


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows repeated ``counts`` times: the source row of each copy and its 0-based index
    among its row's copies."""
    source = np.repeat(np.arange(len(counts)), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return source, np.arange(len(source)) - starts


def with_franchises(snapshot: Snapshot, share: float, rng: np.random.Generator) -> Snapshot:
    """``snapshot`` with lawful franchise networks added, about ``share`` of its accounts."""
    wanted = round(share * len(snapshot.accounts))
    if wanted < 2:
        return snapshot
    sizes = np.clip(rng.lognormal(np.log(8.0), 0.8, size=wanted), 2, 80).astype(np.int64)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes + 1), wanted)) + 1]
    price = typical_order(snapshot)
    start, end = _span(snapshot)
    length = (end - start) / DAY
    brands = len(sizes)
    brand_ids = np.array([f"franchise-{b}" for b in range(brands)])
    brand_joined = start + pd.to_timedelta(rng.uniform(0.0, 0.4, brands) * length, unit="D")
    brand_of, member = _expand(sizes)
    member_ids = np.char.add(np.char.add(brand_ids[brand_of], "-"), member.astype(str))
    room = (end - brand_joined[brand_of]) / DAY
    joined = brand_joined[brand_of] + pd.to_timedelta(
        rng.uniform(0.02, 0.85, len(member)) * room, unit="D"
    )
    accounts = pd.DataFrame(
        {
            "account_id": np.concatenate([brand_ids, member_ids]),
            "sponsor_id": np.concatenate([np.full(brands, None), brand_ids[brand_of]]),
            "joined_at": np.concatenate([brand_joined, joined]),
            # the deposit: tens to a hundred and more list prices (refundable, lawful)
            "entry_fee": np.concatenate(
                [np.zeros(brands), price * rng.uniform(20, 150, len(member))]
            ),
        }
    )
    orders = _franchise_orders(member_ids, brand_ids[brand_of], joined, end, price, rng)
    labels = pd.DataFrame(
        {
            "account_id": accounts["account_id"],
            "label": np.zeros(len(accounts), dtype=np.int8),
            "role": "legitimate",
            "family": FRANCHISE,
        }
    )
    return _appended(snapshot, accounts, orders, labels, FRANCHISE)


def _franchise_orders(
    members: np.ndarray,
    brands: np.ndarray,
    joined: pd.DatetimeIndex,
    end: pd.Timestamp,
    price: float,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Restocks from the brand every 3 to 7 weeks, each sold on to consumers over the weeks
    after it (about 1.2-1.8 times its value), a third of them returning customers."""
    interval = rng.uniform(20, 45, len(members))
    restocks = np.maximum(1, ((end - joined) / DAY / interval).astype(np.int64))
    member, number = _expand(restocks)
    stocked = joined[member] + pd.to_timedelta(
        number * interval[member] + rng.uniform(0, 3, len(member)), unit="D"
    )
    stock_amount = price * rng.uniform(3, 10, len(member))
    stock = pd.DataFrame(
        {
            "seller_id": brands[member],
            "buyer_id": members[member],
            "created_at": stocked,
            "amount": stock_amount,
        }
    )
    sales = rng.poisson(stock_amount / price * rng.uniform(1.2, 1.8, len(member)))
    restock, _ = _expand(sales)
    seller = member[restock]
    regular = rng.random(len(restock)) < 0.35  # returning customers of the same shop
    buyer = np.where(
        regular,
        np.char.add(
            np.char.add("fc-", members[seller]), (rng.integers(0, 12, len(restock))).astype(str)
        ),
        np.char.add("fc-", np.arange(len(restock)).astype(str)),
    )
    retail = pd.DataFrame(
        {
            "seller_id": members[seller],
            "buyer_id": buyer,
            "created_at": stocked[restock]
            + pd.to_timedelta(rng.uniform(0, 1, len(restock)) * interval[seller], unit="D"),
            "amount": price * rng.lognormal(0.0, 0.5, len(restock)),
        }
    )
    orders = pd.concat([stock, retail], ignore_index=True)
    return orders[orders["created_at"] <= end]


def with_fake_retail(snapshot: Snapshot, share: float, rng: np.random.Generator) -> Snapshot:
    """In ``share`` of the scheme networks, each stock purchase by a member is followed within
    five days by sales at one of the network's list prices to buyer ids seen nowhere else,
    worth half to all of the stock."""
    if share <= 0 or snapshot.labels is None:
        return snapshot
    accounts = snapshot.accounts
    network = pd.Series(network_of(snapshot).to_numpy(), index=accounts["account_id"])
    label = snapshot.labels.set_index("account_id")["label"]
    schemes = pd.unique(network[label.reindex(network.index).fillna(0).to_numpy() == 1])
    chosen = schemes[rng.random(len(schemes)) < share]
    orders = snapshot.orders
    in_scheme = label.reindex(network.index).fillna(0).to_numpy() == 1
    bought = orders[orders["buyer_id"].isin(network.index[network.isin(chosen) & in_scheme])]
    if bought.empty:
        return snapshot
    price = typical_order(snapshot)
    list_price = pd.Series(price * rng.choice([1.0, 2.0, 3.0, 5.0], len(chosen)), index=chosen)
    each = list_price.reindex(network.reindex(bought["buyer_id"]).to_numpy()).to_numpy()
    count = np.clip(
        np.round(bought["amount"].to_numpy() / each * rng.uniform(0.5, 1.0, len(bought))), 1, 30
    )
    purchase, _ = _expand(count.astype(np.int64))
    fake = pd.DataFrame(
        {
            "seller_id": bought["buyer_id"].to_numpy()[purchase],
            "buyer_id": np.char.add("fk-", np.arange(len(purchase)).astype(str)),
            "created_at": bought["created_at"].iloc[purchase].reset_index(drop=True)
            + pd.to_timedelta(rng.uniform(0.3, 5.0, len(purchase)), unit="D"),
            "amount": each[purchase],
        }
    )
    fake = fake[fake["created_at"] <= orders["created_at"].max()]
    return _appended(snapshot, accounts.iloc[0:0], fake, None, "fake")


def entry_packages_from_root(snapshot: Snapshot) -> Snapshot:
    """Each member's first stock purchase within ``PACKAGE_DAYS`` of joining, sold by the
    network's root (the company) instead of whoever sold it."""
    accounts = snapshot.accounts
    root = pd.Series(network_of(snapshot).to_numpy(), index=accounts["account_id"])
    joined = accounts.set_index("account_id")["joined_at"]
    orders = snapshot.orders
    inside = orders["buyer_id"].isin(root.index) & (orders["seller_id"] != orders["buyer_id"])
    first = orders[inside].sort_values("created_at").drop_duplicates("buyer_id")
    since = first["created_at"].to_numpy() - joined.reindex(first["buyer_id"]).to_numpy()
    package = first.index[since <= np.timedelta64(PACKAGE_DAYS, "D")]
    seller = root.reindex(orders.loc[package, "buyer_id"]).to_numpy()
    keep = seller != orders.loc[package, "buyer_id"].to_numpy()  # a root buys from nobody above
    changed = orders.copy()
    changed.loc[package[keep], "seller_id"] = seller[keep]
    return replace(snapshot, orders=changed)


def _appended(
    snapshot: Snapshot,
    accounts: pd.DataFrame,
    orders: pd.DataFrame,
    labels: pd.DataFrame | None,
    graft: str,
) -> Snapshot:
    """``snapshot`` with rows added (order ids named after the graft), columns the new rows
    lack left empty as the contract allows."""
    # whole seconds, in the snapshot's own timestamp type (as the simulators write them)
    orders = orders.assign(created_at=_like(orders["created_at"], snapshot.orders["created_at"]))
    accounts = accounts.assign(
        joined_at=_like(accounts["joined_at"], snapshot.accounts["joined_at"])
    )
    orders = orders.assign(
        order_id=np.char.add(f"graft-{graft}-", np.arange(len(orders)).astype(str)),
        quantity=1,
        refunded=False,
    )
    new_labels = snapshot.labels
    if labels is not None and new_labels is not None:
        new_labels = pd.concat([new_labels, labels], ignore_index=True)
    return replace(
        snapshot,
        accounts=pd.concat([snapshot.accounts, accounts], ignore_index=True),
        orders=pd.concat([snapshot.orders, orders], ignore_index=True)
        .sort_values("created_at", kind="stable")
        .reset_index(drop=True),
        labels=new_labels,
    )


def _like(moments: pd.Series, model: pd.Series) -> pd.Series:
    """``moments`` floored to the second, in ``model``'s dtype."""
    return pd.to_datetime(moments, utc=True).dt.floor("s").astype(model.dtype)
