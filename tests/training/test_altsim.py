"""The independent world generator: contract-valid, deterministic, and its archetypes and
labels have the properties docs/independent_simulator.md claims, checked on the output
tables (not on the generator's internals) wherever the tables can show them."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pytest

from features.snapshot import Snapshot
from features.validation import read_valid_snapshot, validate_snapshot
from training.altsim import (
    ARCHETYPES,
    AltSimConfig,
    AltSimError,
    GeneratedWorld,
    generate_world,
    simulate_world,
    write_world,
)
from training.altsim.labels import END_USER_MINIMUM, JOIN_PAY_MAXIMUM, MIN_TIERS
from training.data import read_labels_file


@pytest.fixture(scope="module")
def world() -> GeneratedWorld:
    return generate_world(AltSimConfig(accounts=6_000, seed=3))


def _family_world(name: str, accounts: int = 2_500, seed: int = 5) -> GeneratedWorld:
    return generate_world(AltSimConfig(accounts=accounts, seed=seed, families=(name,)))


def _members(snapshot: Snapshot, family: str) -> pd.Series:
    labels = snapshot.labels
    assert labels is not None
    return labels.loc[labels["family"] == family, "account_id"]


def _tiers_from_sponsors(accounts: pd.DataFrame) -> pd.Series:
    """Tier of every account, by following sponsor_id up to the root (pointer doubling)."""
    sponsor = accounts.set_index("account_id")["sponsor_id"]
    depth = sponsor.notna().astype(int)
    ancestor = sponsor.copy()
    while ancestor.notna().any():
        above = ancestor.map(sponsor)
        depth = depth + above.notna().astype(int)
        ancestor = above
    return depth


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_written_world_passes_the_contract_with_no_problem(
    tmp_path: Path, world: GeneratedWorld, file_format: Literal["csv", "parquet"]
) -> None:
    out = tmp_path / "world"
    write_world(world.snapshot, out, file_format)
    report = validate_snapshot(out)
    assert report.ok and not report.warnings, report.render()
    loaded = read_valid_snapshot(out)
    assert len(loaded.accounts) == len(world.snapshot.accounts)
    assert len(loaded.orders) == len(world.snapshot.orders)
    assert len(loaded.commissions) == len(world.snapshot.commissions)
    labels = read_labels_file(out / f"labels.{file_format}", loaded.accounts["account_id"])
    assert set(labels["role"]) <= {"organizer", "recruiter", "participant", "legitimate"}
    assert set(labels["family"]) == {a.name for a in ARCHETYPES}
    assert labels["label"].isin([0, 1]).all()
    assert ((labels["label"] == 1) == (labels["role"] != "legitimate")).all()


def test_writing_refuses_an_existing_directory_and_leaves_it_alone(
    tmp_path: Path, world: GeneratedWorld
) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(AltSimError, match="already exists"):
        write_world(world.snapshot, out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]  # no staging directory left


def test_same_seed_same_world_other_seed_other_world() -> None:
    first = simulate_world(AltSimConfig(accounts=800, seed=9))
    again = simulate_world(AltSimConfig(accounts=800, seed=9))
    other = simulate_world(AltSimConfig(accounts=800, seed=10))
    for table in ("accounts", "orders", "commissions", "labels"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(again, table))
    assert not first.accounts["account_id"].isin(other.accounts["account_id"]).all()
    assert len(first.orders) != len(other.orders)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"accounts": 10}, "accounts"),
        ({"scheme_share": 0.95}, "scheme_share"),
        ({"span_days": 20}, "span_days"),
        ({"families": ("no_such_family",)}, "unknown families"),
    ],
)
def test_bad_settings_are_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(AltSimError, match=message):
        simulate_world(AltSimConfig(**settings))  # type: ignore[arg-type]


def test_account_count_and_scheme_share_land_near_the_targets(world: GeneratedWorld) -> None:
    labels = world.snapshot.labels
    assert labels is not None
    assert 0.65 * 6_000 <= len(labels) <= 1.35 * 6_000
    assert 0.15 <= labels["label"].mean() <= 0.45


def test_every_scheme_scope_meets_the_legal_elements_seen_in_the_tables(
    world: GeneratedWorld,
) -> None:
    """Tiers recomputed from sponsor_id; one organizer (the scope's root) per scheme scope."""
    snapshot, scopes = world.snapshot, world.scopes
    labels = snapshot.labels
    assert labels is not None
    tier = _tiers_from_sponsors(snapshot.accounts)
    positive = labels[labels["label"] == 1].assign(tier=lambda f: f["account_id"].map(tier))
    root_tier = positive["scope"].map(tier)
    spans = (positive["tier"] - root_tier).groupby(positive["scope"]).max() + 1
    assert (spans >= MIN_TIERS).all()
    schemes = scopes[scopes["scheme"]]
    assert set(spans.index) == set(schemes.index)
    assert schemes["payin_required"].all()
    money = (schemes["end_user_share"] < END_USER_MINIMUM) | (
        schemes["join_pay_share"] > JOIN_PAY_MAXIMUM
    )
    assert money.all()
    organizers = positive[positive["role"] == "organizer"]
    assert (organizers["account_id"] == organizers["scope"]).all()
    assert organizers["scope"].is_unique and set(organizers["scope"]) == set(schemes.index)


def test_recruiters_recruited_someone_in_their_scheme(world: GeneratedWorld) -> None:
    snapshot = world.snapshot
    labels = snapshot.labels
    assert labels is not None
    sponsors = set(snapshot.accounts["sponsor_id"].dropna())
    recruiters = labels.loc[labels["role"] == "recruiter", "account_id"]
    assert len(recruiters) and recruiters.isin(sponsors).all()


def test_money_game_pays_only_for_joins_out_of_members_fees() -> None:
    """Hand-check: its consumer share recomputed from the tables matches the rule's figure,
    and every payout is at most what the members paid in."""
    generated = _family_world("money_game", accounts=1_500)
    snapshot, scopes = generated.snapshot, generated.scopes
    big = scopes[scopes["participants"] >= 10]
    assert len(big) and (big["join_pay_share"] > 0.999).all()
    assert set(snapshot.commissions["kind"]) <= {"recruitment", "other"}
    labels = snapshot.labels
    assert labels is not None
    scope_of = labels.set_index("account_id")["scope"]
    accounts, orders = snapshot.accounts, snapshot.orders[~snapshot.orders["refunded"]]
    consumer = ~orders["buyer_id"].isin(accounts["account_id"])
    sales = orders[consumer].groupby(orders["seller_id"].map(scope_of))["amount"].sum()
    fees = accounts.groupby(accounts["account_id"].map(scope_of))["entry_fee"].sum()
    packages = orders[~consumer].groupby(orders["buyer_id"].map(scope_of))["amount"].sum()
    paid_in = fees.add(packages, fill_value=0.0).reindex(big.index, fill_value=0.0)
    share = sales.reindex(big.index, fill_value=0.0) / (
        sales.reindex(big.index, fill_value=0.0) + paid_in
    )
    np.testing.assert_allclose(share, big["end_user_share"], atol=0.02)
    paid_out = snapshot.commissions.groupby(snapshot.commissions["payee_id"].map(scope_of))
    assert (paid_out["amount"].sum().reindex(big.index, fill_value=0.0) <= paid_in).all()


def test_deep_wholesale_distribution_is_legitimate_because_its_stock_reaches_consumers() -> None:
    """Trees many tiers deep with stock pushed down them, yet the units bought from the top
    mostly end up sold to consumers, so nearly every account is labelled legitimate."""
    generated = _family_world("wholesale_distribution", accounts=3_000)
    snapshot = generated.snapshot
    labels = snapshot.labels
    assert labels is not None
    tiers = _tiers_from_sponsors(snapshot.accounts)
    assert tiers.max() >= 5
    assert labels["label"].mean() <= 0.1
    roots = set(snapshot.accounts.loc[snapshot.accounts["sponsor_id"].isna(), "account_id"])
    orders = snapshot.orders[~snapshot.orders["refunded"]]
    agent = orders["buyer_id"].isin(snapshot.accounts["account_id"])
    from_top = orders[agent & orders["seller_id"].isin(roots)]["quantity"].sum()
    to_consumers = orders[~agent & ~orders["seller_id"].isin(roots)]["quantity"].sum()
    assert to_consumers / from_top > 0.6
    assert (orders[agent]["amount"].sum() / orders["amount"].sum()) > 0.3  # real stock pushing


def test_stock_push_schemes_live_on_members_stock_and_stage_retail() -> None:
    generated = _family_world("tiered_stock_push")
    schemes = generated.scopes[generated.scopes["scheme"]]
    assert len(schemes) and (schemes["end_user_share"] < 0.2).all()
    snapshot = generated.snapshot
    accounts = set(snapshot.accounts["account_id"])
    consumers = snapshot.orders[~snapshot.orders["buyer_id"].isin(accounts)]
    per_buyer = consumers.groupby("buyer_id").size()
    assert per_buyer.max() >= 20  # staged orders pile up on a handful of buyer ids
    assert not snapshot.commissions["kind"].isin(["team", "retail"]).any()  # no commission plan


def test_lawful_direct_selling_pays_team_commission_yet_retail_dominates() -> None:
    generated = _family_world("direct_selling", accounts=3_000)
    snapshot, scopes = generated.snapshot, generated.scopes
    labels = snapshot.labels
    assert labels is not None
    assert (snapshot.commissions["kind"] == "team").mean() > 0.9
    multi_level = scopes[(scopes["tiers"] >= 3) & (scopes["commissions"] > 0)]
    assert len(multi_level) >= 3
    assert (multi_level["end_user_share"] >= END_USER_MINIMUM).all()
    assert labels["label"].mean() <= 0.1


def test_viral_influencer_sign_ups_pay_per_head_but_charge_nothing() -> None:
    generated = _family_world("influencer_viral")
    snapshot = generated.snapshot
    labels = snapshot.labels
    assert labels is not None
    assert (snapshot.commissions["kind"] == "recruitment").all() and len(snapshot.commissions)
    assert (snapshot.accounts["entry_fee"] == 0).all()
    assert labels["label"].sum() == 0
    assert _tiers_from_sponsors(snapshot.accounts).max() >= 2


def test_a_drifted_network_has_a_scheme_branch_under_a_legitimate_root(
    world: GeneratedWorld,
) -> None:
    snapshot = world.snapshot
    labels = snapshot.labels
    assert labels is not None
    drifted = labels[labels["family"] == "drifted_direct_selling"]
    roots = set(snapshot.accounts.loc[snapshot.accounts["sponsor_id"].isna(), "account_id"])
    network_roots = drifted[drifted["account_id"].isin(roots)]
    assert (network_roots["label"] == 0).all()
    turned = drifted[drifted["label"] == 1]
    assert len(turned) and not turned["scope"].isin(roots).any()
    assert (drifted["label"] == 0).any()
