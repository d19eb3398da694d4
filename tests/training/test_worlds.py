"""Generated training worlds and their habits: each transform keeps the contract and changes
only what it says, and the model's inputs do not depend on a platform's currency or id format."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.build import build_features, resolve_as_of
from features.registry import model_feature_names
from features.snapshot import Snapshot
from training.errors import TrainingError
from training.worlds import (
    Habits,
    at_scheme_share,
    cut_as_of,
    network_of,
    prior_worlds,
    random_habits,
    renamed_ids,
    reported_commissions,
    scaled_money,
    tagged,
    with_habits,
    with_worlds,
    world_table,
)


def _features(snapshot: Snapshot) -> pd.DataFrame:
    return build_features(snapshot, resolve_as_of(snapshot, None))[model_feature_names()]


def test_model_inputs_do_not_depend_on_the_currency(small_platform: Snapshot) -> None:
    before = _features(small_platform)
    after = _features(scaled_money(small_platform, 37.5))
    pd.testing.assert_frame_equal(before, after, rtol=1e-6, check_dtype=False)


def test_model_inputs_do_not_depend_on_the_id_format(small_platform: Snapshot) -> None:
    renamed = renamed_ids(small_platform, "uuid", np.random.default_rng(1))
    assert not renamed.accounts["account_id"].isin(small_platform.accounts["account_id"]).any()
    # the same accounts in the same order of joining: compare feature rows by position
    before = _features(small_platform).sort_values(model_feature_names()).to_numpy()
    after = _features(renamed).sort_values(model_feature_names()).to_numpy()
    np.testing.assert_allclose(before, after, rtol=1e-9)


def test_scheme_share_drops_whole_networks_to_reach_the_share(small_platform: Snapshot) -> None:
    labels = small_platform.labels
    assert labels is not None and 0.2 < labels["label"].mean() < 0.4
    for share in (0.05, 0.6):
        shared = at_scheme_share(small_platform, share, np.random.default_rng(0))
        assert shared.labels is not None
        assert abs(shared.labels["label"].mean() - share) < 0.05
        # every kept account's whole network is kept: same network sizes as before
        before = network_of(small_platform).value_counts()
        after = network_of(shared).value_counts()
        assert (before.reindex(after.index) == after).all()
        kept = shared.accounts["account_id"]
        assert shared.orders["seller_id"].isin(kept).all()
        assert shared.commissions["payee_id"].isin(kept).all()
        agent_buyers = shared.orders["buyer_id"].isin(small_platform.accounts["account_id"])
        assert shared.orders.loc[agent_buyers, "buyer_id"].isin(kept).all()


def test_commission_habits(small_platform: Snapshot) -> None:
    assert reported_commissions(small_platform, "none").commissions.empty
    other = reported_commissions(small_platform, "kinds_other").commissions
    assert set(other["kind"]) == {"other"}
    renamed = reported_commissions(small_platform, "recruitment_as_team").commissions
    assert "recruitment" not in set(renamed["kind"])
    was_per_head = small_platform.commissions["kind"].eq("recruitment").to_numpy()
    assert was_per_head.any() and set(renamed.loc[was_per_head, "kind"]) == {"team", "retail"}
    unchanged = small_platform.commissions.loc[~was_per_head, "kind"]
    assert renamed.loc[~was_per_head, "kind"].equals(unchanged)
    no_source = reported_commissions(small_platform, "no_source").commissions
    assert no_source["source_id"].isna().all()
    assert len(no_source) == len(small_platform.commissions)
    _features(reported_commissions(small_platform, "no_source"))  # still a valid snapshot


def test_an_early_cut_sees_fewer_accounts(small_platform: Snapshot) -> None:
    snapshot, as_of = with_habits(small_platform, Habits(cut=0.5))
    assert as_of == cut_as_of(small_platform, 0.5)
    assert as_of < resolve_as_of(small_platform, None)
    assert len(build_features(snapshot, as_of)) < len(small_platform.accounts)


def test_habits_reject_values_out_of_range() -> None:
    with pytest.raises(TrainingError):
        Habits(money=0.0)
    with pytest.raises(TrainingError):
        Habits(scheme_share=1.0)


def test_random_habits_span_the_range() -> None:
    rng = np.random.default_rng(0)
    drawn = [random_habits(rng) for _ in range(200)]
    shares = [h.scheme_share for h in drawn if h.scheme_share is not None]
    assert min(shares) < 0.04 and max(shares) > 0.4
    assert {h.commissions for h in drawn} == {
        "full",
        "kinds_other",
        "recruitment_as_team",
        "no_source",
        "none",
    }
    assert all(0.01 <= h.franchises <= 0.05 for h in drawn)
    assert all(0.2 <= h.fake_retail <= 0.8 for h in drawn)
    assert any(h.packages_from_root for h in drawn) and not all(h.packages_from_root for h in drawn)
    assert min(h.money for h in drawn) < 0.2 and max(h.money for h in drawn) > 50
    assert any(h.cut < 1 for h in drawn) and any(h.cut == 1 for h in drawn)


def test_prior_worlds_alternate_simulators_and_are_reproducible() -> None:
    worlds = prior_worlds(4, 500, seed=3)
    assert [w.generator for w in worlds] == ["altsim", "project", "altsim", "project"]
    assert worlds == prior_worlds(4, 500, seed=3)
    assert len({w.name for w in worlds}) == 4


def test_world_tables_are_named_apart(small_platform: Snapshot) -> None:
    platform = build_features(small_platform, resolve_as_of(small_platform, None))
    platform = platform.assign(label=0)
    worlds = prior_worlds(2, 600, seed=5)
    table = with_worlds(platform, worlds)
    assert set(table["world"]) == {"platform", *(w.name for w in worlds)}
    assert table.index.is_unique
    own = table[table["world"] == "platform"]
    assert own.index.equals(platform.index)  # the platform's own ids are kept
    generated = table[table["world"] != "platform"]
    assert generated["network_id"].str.contains(":").all()
    assert set(generated["label"]) == {0, 1}


def test_one_world_table_has_labels_and_slices() -> None:
    table = world_table(prior_worlds(1, 800, seed=2)[0])
    assert {"label", "role", "family", "world"} <= set(table.columns)
    assert tagged(table.head(0), "x").columns.tolist() == table.columns.tolist()
