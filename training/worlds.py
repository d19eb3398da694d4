"""Worlds a model learns from besides the platform's own snapshot, each with its own habits.

A model trained on one simulator learns that simulator's habits as well as the schemes: its
price level, its scheme share, how long its history runs, how its commissions are reported.
On a platform with other habits the ranking holds but the bands slip (issue 15). So training
adds generated worlds from both simulators (``training.simulator`` and ``training.altsim``),
each post-processed with habits drawn at random: another currency scale, a scheme share
between 2 % and 60 %, a snapshot cut early in the history (young schemes), commissions
reported in full, without their kind or source, or not at all, consumer orders partly
missing, refunds or entry fees not reported, and another id format. Every world also holds
some of what DOMAIN.md says platforms hold and neither simulator has (``training.grafts``):
lawful franchises, schemes faking retail with one-off buyer ids, entry packages sold by the
root, per-head pay booked as team or retail. Every transform keeps the data contract, so a
world is just another snapshot to the feature build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from features.build import resolve_as_of
from features.snapshot import Snapshot
from training.altsim import AltSimConfig, simulate_world
from training.data import labelled_features
from training.errors import TrainingError
from training.grafts import entry_packages_from_root, network_of, with_fake_retail, with_franchises
from training.simulator import SimulationConfig, simulate_platform

Generator = Literal["project", "altsim"]
GENERATORS: tuple[Generator, ...] = ("altsim", "project")
# kinds_other: every kind booked as `other`; recruitment_as_team: per-head pay booked as a team
# override or a retail commission (DOMAIN.md: "recruitment as `team` or `retail`")
CommissionHabit = Literal["full", "kinds_other", "recruitment_as_team", "no_source", "none"]
IdHabit = Literal["as_is", "numeric", "uuid"]
PLATFORM_WORLD = "platform"  # the ``world`` of the rows that come from the trained snapshot
ID_COLUMNS = {
    "accounts": ("account_id", "sponsor_id"),
    "orders": ("seller_id", "buyer_id"),
    "commissions": ("payee_id", "source_id"),
    "labels": ("account_id",),
}


@dataclass(frozen=True)
class Habits:
    """How one platform records its business, independently of what its sellers do."""

    money: float = 1.0  # every amount times this: price level and currency unit
    commissions: CommissionHabit = "full"
    consumer_kept: float = 1.0  # share of consumer orders the platform records
    scheme_share: float | None = None  # whole scheme networks kept or dropped to reach it
    cut: float = 1.0  # the snapshot ends at this share of the history (1 = all of it)
    refunds_reported: bool = True
    entry_fees_reported: bool = True
    ids: IdHabit = "as_is"
    # what the platform's sellers do that a simulator may lack (training/grafts.py)
    franchises: float = 0.0  # lawful franchise networks added, as a share of the accounts
    fake_retail: float = 0.0  # share of scheme networks faking retail with one-off buyer ids
    packages_from_root: bool = False  # entry packages sold by the network's root

    def __post_init__(self) -> None:
        if self.money <= 0 or not 0 < self.consumer_kept <= 1 or not 0 < self.cut <= 1:
            raise TrainingError(f"habits out of range: {self}")
        if not 0 <= self.franchises < 1 or not 0 <= self.fake_retail <= 1:
            raise TrainingError(f"graft shares out of range: {self}")
        if self.scheme_share is not None and not 0 < self.scheme_share < 1:
            raise TrainingError(f"scheme_share must be in (0, 1): {self.scheme_share}")


def random_habits(rng: np.random.Generator) -> Habits:
    """Habits drawn from the range real platforms plausibly span."""
    commission_habits: list[CommissionHabit] = [
        "full",
        "full",
        "kinds_other",
        "recruitment_as_team",
        "no_source",
        "none",
    ]
    id_habits: list[IdHabit] = ["as_is", "numeric", "uuid"]
    return Habits(
        money=float(10 ** rng.uniform(-1.0, 2.0)),
        commissions=commission_habits[rng.integers(len(commission_habits))],
        consumer_kept=float(rng.uniform(0.4, 1.0)) if rng.random() < 0.3 else 1.0,
        # log-uniform between 2 % and 60 %: a real platform sits at the low end
        scheme_share=float(np.exp(rng.uniform(np.log(0.02), np.log(0.6)))),
        cut=float(rng.uniform(0.35, 1.0)) if rng.random() < 0.5 else 1.0,
        refunds_reported=bool(rng.random() > 0.2),
        entry_fees_reported=bool(rng.random() > 0.2),
        ids=id_habits[rng.integers(len(id_habits))],
        # every world holds some of what DOMAIN.md says platforms hold: with 4 worlds an
        # on/off draw left whole habits out of a training run (seen: no fake retail in any)
        franchises=float(rng.uniform(0.01, 0.05)),
        fake_retail=float(rng.uniform(0.2, 0.8)),
        packages_from_root=bool(rng.random() < 0.5),
    )


@dataclass(frozen=True)
class WorldSpec:
    """One generated training world: which simulator, how big, its seed and habits."""

    generator: Generator
    accounts: int
    seed: int
    habits: Habits

    @property
    def name(self) -> str:
        return f"{self.generator}-{self.seed}"


def prior_worlds(count: int, accounts: int, seed: int) -> tuple[WorldSpec, ...]:
    """``count`` worlds alternating between the two simulators, habits drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    return tuple(
        WorldSpec(GENERATORS[i % 2], accounts, seed * 1000 + i, random_habits(rng))
        for i in range(count)
    )


def without_grafts(specs: Sequence[WorldSpec]) -> tuple[WorldSpec, ...]:
    """The same worlds with nothing grafted: what the simulators alone give (for measuring
    what the grafts change, all else equal)."""
    return tuple(
        replace(
            w, habits=replace(w.habits, franchises=0.0, fake_retail=0.0, packages_from_root=False)
        )
        for w in specs
    )


def generate(spec: WorldSpec) -> tuple[Snapshot, pd.Timestamp]:
    """The world's labelled snapshot, habits applied, and the moment it is seen as of."""
    if spec.generator == "altsim":
        snapshot = simulate_world(AltSimConfig(accounts=spec.accounts, seed=spec.seed))
    else:
        snapshot = simulate_platform(SimulationConfig(accounts=spec.accounts, seed=spec.seed))
    return with_habits(snapshot, spec.habits, spec.seed)


def with_habits(snapshot: Snapshot, habits: Habits, seed: int = 0) -> tuple[Snapshot, pd.Timestamp]:
    """``snapshot`` as a platform with ``habits`` would have recorded it, and its as-of."""
    rng = np.random.default_rng(seed)
    if habits.scheme_share is not None:
        snapshot = at_scheme_share(snapshot, habits.scheme_share, rng)
    snapshot = grafted(snapshot, habits, rng)
    steps: list[Callable[[Snapshot], Snapshot]] = [
        lambda s: scaled_money(s, habits.money),
        lambda s: reported_commissions(s, habits.commissions),
        lambda s: kept_consumer_orders(s, habits.consumer_kept, rng),
    ]
    if not habits.refunds_reported:
        steps.append(lambda s: replace(s, orders=s.orders.assign(refunded=False)))
    if not habits.entry_fees_reported:
        steps.append(lambda s: replace(s, accounts=s.accounts.assign(entry_fee=0.0)))
    if habits.ids != "as_is":
        steps.append(lambda s: renamed_ids(s, habits.ids, rng))
    for step in steps:
        snapshot = step(snapshot)
    return snapshot, cut_as_of(snapshot, habits.cut)


def grafted(snapshot: Snapshot, habits: Habits, rng: np.random.Generator) -> Snapshot:
    """What the sellers of a platform with ``habits`` do beyond the simulator: franchises, fake
    retail, entry packages from the company (training/grafts.py). Before the recording habits,
    which then apply to the grafted rows too."""
    if habits.franchises:
        snapshot = with_franchises(snapshot, habits.franchises, rng)
    if habits.fake_retail:
        snapshot = with_fake_retail(snapshot, habits.fake_retail, rng)
    if habits.packages_from_root:
        snapshot = entry_packages_from_root(snapshot)
    return snapshot


def cut_as_of(snapshot: Snapshot, cut: float) -> pd.Timestamp:
    """The moment ``cut`` of the way from the first join to the latest event."""
    end = resolve_as_of(snapshot, None)
    start = snapshot.accounts["joined_at"].min()
    return pd.Timestamp(start + (end - start) * cut).floor("s")


def at_scheme_share(snapshot: Snapshot, share: float, rng: np.random.Generator) -> Snapshot:
    """Whole networks dropped at random, scheme ones or legitimate ones, until about ``share``
    of the accounts are labelled scheme accounts. Orders and commissions of dropped accounts
    go with them."""
    if snapshot.labels is None:
        raise TrainingError("a scheme share needs labels")
    network = network_of(snapshot)
    label = (
        snapshot.labels.set_index("account_id")["label"]
        .reindex(snapshot.accounts["account_id"])
        .fillna(0)
        .to_numpy()
    )
    per_network = pd.DataFrame({"network": network.to_numpy(), "label": label})
    sizes = per_network.groupby("network")["label"].agg(["size", "max", "sum"])
    schemes, legitimate = sizes[sizes["max"] == 1], sizes[sizes["max"] == 0]
    scheme_accounts, legit_accounts = schemes["sum"].sum(), len(per_network) - schemes["sum"].sum()
    if scheme_accounts / len(per_network) > share:  # drop scheme networks
        wanted = share * legit_accounts / (1.0 - share)
        order = schemes.sample(frac=1.0, random_state=rng.integers(2**31))
        dropped = order.index[_past(order["sum"], wanted)]
    else:  # drop legitimate networks (scheme networks keep their legitimate members)
        legit_in_schemes = schemes["size"].sum() - scheme_accounts
        wanted = scheme_accounts * (1.0 - share) / share - legit_in_schemes
        order = legitimate.sample(frac=1.0, random_state=rng.integers(2**31))
        dropped = order.index[_past(order["size"], wanted)]
    kept_ids = snapshot.accounts["account_id"][~network.isin(dropped).to_numpy()]
    return keep_accounts(snapshot, kept_ids)


def _past(counts: pd.Series, wanted: float) -> np.ndarray:
    """Which networks, in order, start after ``wanted`` accounts were kept: the one that
    crosses the mark is kept whole, so a share is never undershot by a large network."""
    start = counts.cumsum().to_numpy() - counts.to_numpy()
    return np.asarray(start >= wanted)


def keep_accounts(snapshot: Snapshot, account_ids: pd.Series) -> Snapshot:
    """Only the given accounts (whole networks), with their orders, commissions and labels."""
    kept = pd.Index(account_ids)
    orders = snapshot.orders
    seller_kept = orders["seller_id"].isin(kept)
    buyer_gone = orders["buyer_id"].isin(snapshot.accounts["account_id"]) & ~orders[
        "buyer_id"
    ].isin(kept)
    commissions = snapshot.commissions[snapshot.commissions["payee_id"].isin(kept)]
    source = commissions["source_id"].where(commissions["source_id"].isin(kept))
    labels = snapshot.labels
    return replace(
        snapshot,
        accounts=snapshot.accounts[snapshot.accounts["account_id"].isin(kept)].reset_index(
            drop=True
        ),
        orders=orders[seller_kept & ~buyer_gone].reset_index(drop=True),
        commissions=commissions.assign(source_id=source).reset_index(drop=True),
        labels=None if labels is None else labels[labels["account_id"].isin(kept)],
    )


def scaled_money(snapshot: Snapshot, factor: float) -> Snapshot:
    """Every amount times ``factor``: another price level or currency."""
    if factor == 1.0:
        return snapshot
    return replace(
        snapshot,
        accounts=snapshot.accounts.assign(entry_fee=snapshot.accounts["entry_fee"] * factor),
        orders=snapshot.orders.assign(amount=snapshot.orders["amount"] * factor),
        commissions=snapshot.commissions.assign(amount=snapshot.commissions["amount"] * factor),
    )


def reported_commissions(snapshot: Snapshot, habit: CommissionHabit) -> Snapshot:
    """Commissions as the platform reports them: in full, without their kind (all ``other``),
    without their source, or not at all (the table is optional in the contract)."""
    commissions = snapshot.commissions
    if habit == "kinds_other":
        commissions = commissions.assign(kind="other")
    elif habit == "recruitment_as_team":
        per_head = commissions["kind"] == "recruitment"
        booked = np.where(np.arange(len(commissions)) % 3 == 0, "retail", "team")
        commissions = commissions.assign(kind=commissions["kind"].where(~per_head, booked))
    elif habit == "no_source":
        commissions = commissions.assign(source_id=pd.Series(pd.NA, index=commissions.index))
        commissions["source_id"] = commissions["source_id"].astype("str")
    elif habit == "none":
        commissions = commissions.iloc[0:0]
    return replace(snapshot, commissions=commissions)


def consumer_orders(snapshot: Snapshot) -> np.ndarray:
    """Orders whose buyer is not an account (consumer sales, up to the joined-at check)."""
    return ~snapshot.orders["buyer_id"].isin(snapshot.accounts["account_id"]).to_numpy()


def kept_consumer_orders(snapshot: Snapshot, share: float, rng: np.random.Generator) -> Snapshot:
    """Only ``share`` of the consumer orders, at random: sparser consumer data."""
    if share >= 1.0:
        return snapshot
    drop = consumer_orders(snapshot) & (rng.random(len(snapshot.orders)) >= share)
    return replace(snapshot, orders=snapshot.orders.loc[~drop].reset_index(drop=True))


def _uuids(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` random lower-case UUID-shaped strings, built as one character matrix."""
    digits = np.array(list("0123456789abcdef"))[rng.integers(0, 16, size=(count, 32))]
    dash = np.full((count, 1), "-")
    parts = [digits[:, :8], dash, digits[:, 8:12], dash, digits[:, 12:16], dash]
    chars = np.hstack([*parts, digits[:, 16:20], dash, digits[:, 20:]])
    return np.ascontiguousarray(chars).view("<U36").ravel()


def renamed_ids(snapshot: Snapshot, scheme: IdHabit, rng: np.random.Generator) -> Snapshot:
    """Account and consumer ids in another format: bare numbers as strings, or UUIDs."""
    accounts = snapshot.accounts["account_id"].to_numpy()
    consumers = pd.unique(snapshot.orders.loc[consumer_orders(snapshot), "buyer_id"].to_numpy())
    old = np.concatenate([accounts, consumers])
    new = (
        (rng.permutation(len(old)) + 1).astype(str)
        if scheme == "numeric"
        else _uuids(len(old), rng)
    )
    mapping = pd.Series(new, index=old, dtype="str")

    def renamed(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
        return frame.assign(**{c: frame[c].map(mapping).astype("str") for c in columns})

    labels = snapshot.labels
    return replace(
        snapshot,
        accounts=renamed(snapshot.accounts, ID_COLUMNS["accounts"]),
        orders=renamed(snapshot.orders, ID_COLUMNS["orders"]),
        commissions=renamed(snapshot.commissions, ID_COLUMNS["commissions"]),
        labels=None if labels is None else renamed(labels, ID_COLUMNS["labels"]),
    )


def world_summary(spec: WorldSpec) -> dict[str, object]:
    """What a training run records of a world: enough to generate it again."""
    return {
        "name": spec.name,
        "generator": spec.generator,
        "accounts": spec.accounts,
        "seed": spec.seed,
        "habits": asdict(spec.habits),
    }


def world_table(spec: WorldSpec) -> pd.DataFrame:
    """The labelled feature table of one generated world, its networks and accounts named
    apart from every other world's (``world:id``), with a ``world`` column."""
    snapshot, as_of = generate(spec)
    assert snapshot.labels is not None
    table = labelled_features(snapshot, snapshot.labels, as_of)
    return tagged(table, spec.name)


def tagged(table: pd.DataFrame, world: str) -> pd.DataFrame:
    """``table`` with its ids prefixed by ``world`` and a ``world`` column."""
    prefix = f"{world}:"
    table = table.assign(network_id=prefix + table["network_id"].astype("str"), world=world)
    table.index = prefix + table.index.astype("str")
    return table


def with_worlds(table: pd.DataFrame, specs: Sequence[WorldSpec]) -> pd.DataFrame:
    """The platform's labelled table and the generated worlds' tables, one above the other.
    The platform's own rows keep their ids (``world`` = ``platform``)."""
    if not specs:
        return table
    own = table.assign(world=PLATFORM_WORLD)
    return pd.concat([own, *(world_table(spec) for spec in specs)])
