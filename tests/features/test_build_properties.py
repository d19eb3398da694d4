"""Invariants of build_features: point in time, relabelling, row order."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from features.build import build_features
from features.registry import REGISTRY, model_feature_names
from features.snapshot import Snapshot
from tests.features.test_build_shapes import Account, Commission, Order, make_snapshot

DAY = pd.Timedelta(days=1)
START = pd.Timestamp("2024-01-01", tz="UTC")
AS_OF = START + 60 * DAY
KINDS = ("recruitment", "team", "retail", "other")


def _when(days: float) -> str:
    return (START + days * DAY).isoformat()


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Account], list[Order], list[Commission]]:
    """Small platforms whose events straddle AS_OF (day 60)."""
    size = draw(st.integers(1, 12))
    accounts: list[Account] = []
    for i in range(size):
        sponsor = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        joined = draw(st.integers(0, 80))
        left = draw(st.one_of(st.none(), st.integers(joined, 100)))
        fee = draw(st.sampled_from([0.0, 9.99, 100.0]))
        accounts.append(
            (
                f"a{i}",
                None if sponsor is None else f"a{sponsor}",
                _when(joined),
                fee,
                None if left is None else _when(left),
            )
        )
    buyers = st.one_of(
        st.integers(0, size - 1).map(lambda k: f"a{k}"), st.sampled_from(["c0", "c1", "c2"])
    )
    orders = draw(
        st.lists(
            st.tuples(
                st.integers(0, size - 1).map(lambda k: f"a{k}"),
                buyers,
                st.integers(0, 100).map(_when),
                st.sampled_from([1.0, 12.5, 300.0]),
                st.integers(1, 3),
                st.booleans(),
            ),
            max_size=25,
        )
    )
    commissions = draw(
        st.lists(
            st.tuples(
                st.integers(0, size - 1).map(lambda k: f"a{k}"),
                st.sampled_from([0.0, 5.0, 33.3]),
                st.sampled_from(KINDS),
                st.integers(0, 100).map(_when),
            ),
            max_size=10,
        )
    )
    return accounts, orders, commissions


def _past(world: tuple[list[Account], list[Order], list[Commission]]) -> Snapshot:
    """Only what had happened by AS_OF (leaving times kept: a later leaver is still active)."""
    accounts, orders, commissions = world
    cutoff = AS_OF.isoformat()
    kept = [a for a in accounts if a[2] <= cutoff]
    ids = {a[0] for a in kept}
    kept = [(i, s if s in ids else None, j, f, lt) for i, s, j, f, lt in kept]
    return make_snapshot(
        kept,
        [o for o in orders if o[2] <= cutoff and o[0] in ids],
        [c for c in commissions if c[3] <= cutoff and c[0] in ids],
    )


@settings(max_examples=25, deadline=None)
@given(world=worlds())
def test_events_after_as_of_change_nothing(world: tuple) -> None:
    past = _past(world)
    full = build_features(make_snapshot(*world), AS_OF)
    pd.testing.assert_frame_equal(full, build_features(past, AS_OF))


@settings(max_examples=25, deadline=None)
@given(world=worlds(), seed=st.integers(0, 10_000))
def test_relabelling_ids_changes_only_the_index(world: tuple, seed: int) -> None:
    accounts, orders, commissions = world
    order = np.random.default_rng(seed).permutation(len(accounts))
    new = {f"a{i}": f"id-{order[i]:03}" for i in range(len(accounts))}

    def rename(key: str | None) -> str | None:
        return None if key is None else new.get(key, key)

    relabelled = make_snapshot(
        [(rename(i), rename(s), j, f, lt) for i, s, j, f, lt in accounts],  # type: ignore[misc]
        [(rename(s), rename(b), *rest) for s, b, *rest in orders],
        [(rename(p), *rest) for p, *rest in commissions],
    )
    original = build_features(make_snapshot(*world), AS_OF).rename(index=new)
    original["network_id"] = original["network_id"].map(new).astype("str")
    pd.testing.assert_frame_equal(build_features(relabelled, AS_OF), original.sort_index())


@settings(max_examples=25, deadline=None)
@given(world=worlds(), seed=st.integers(0, 10_000))
def test_shuffling_rows_changes_nothing(world: tuple, seed: int) -> None:
    snapshot = make_snapshot(*world)
    rng = np.random.default_rng(seed)

    def shuffle(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)

    shuffled = Snapshot(
        shuffle(snapshot.accounts), shuffle(snapshot.orders), shuffle(snapshot.commissions)
    )
    pd.testing.assert_frame_equal(build_features(shuffled), build_features(snapshot))


@settings(max_examples=25, deadline=None)
@given(world=worlds(), factor=st.sampled_from([7.0, 10.0]))
def test_another_price_level_moves_only_currency_amounts(world: tuple, factor: float) -> None:
    """Every amount times ``factor`` (another currency): money columns scale, nothing else
    moves, so the model's inputs (priced in the network's typical order) are unchanged."""
    accounts, orders, commissions = world
    scaled = make_snapshot(
        [(i, s, j, fee * factor, lt) for i, s, j, fee, lt in accounts],
        [(s, b, c, amount * factor, q, r) for s, b, c, amount, q, r in orders],
        [(p, amount * factor, k, t) for p, amount, k, t in commissions],
    )
    original, moved = build_features(make_snapshot(*world), AS_OF), build_features(scaled, AS_OF)
    money = [name for name, spec in REGISTRY.items() if spec.unit == "money"]
    pd.testing.assert_frame_equal(moved[money], original[money] * factor)
    pd.testing.assert_frame_equal(moved.drop(columns=money), original.drop(columns=money))
    assert not set(money) & set(model_feature_names())
