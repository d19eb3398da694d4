"""The third generator (training.thirdsim): contract-valid snapshots, point in time,
deterministic, labelled with role and family, the scheme share it is asked for, and the
mechanisms of its families visible in the tables it writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from features.snapshot import Snapshot
from features.validation import read_valid_snapshot
from risk.cli import app
from training.data import read_labels_file
from training.thirdsim import (
    FAMILIES,
    LOOKALIKES,
    SCHEMES,
    Platform,
    ThirdSimConfig,
    ThirdSimError,
    build_platform,
    generate,
    simulate,
)

ROLES = {"organizer", "recruiter", "participant", "legitimate"}


@pytest.fixture(scope="module")
def platform() -> Platform:
    return build_platform(ThirdSimConfig(accounts=6_000, seed=3))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("third") / "snapshot"
    return generate(4_000, 5, 0.3, out=out, id_style="numeric")


def test_the_written_snapshot_passes_risk_validate(written: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(written)])
    assert result.exit_code == 0, result.output
    assert "valid, no problems found" in result.output
    assert sorted(p.name for p in written.iterdir()) == [
        "accounts.parquet",
        "commissions.parquet",
        "labels.parquet",
        "orders.parquet",
    ]


def test_labels_read_back_with_role_and_family(written: Path) -> None:
    snapshot = read_valid_snapshot(written)
    labels = read_labels_file(written / "labels.parquet", snapshot.accounts["account_id"])
    assert len(labels) == len(snapshot.accounts)
    assert set(labels["role"]) == ROLES
    assert set(labels["family"]) <= set(FAMILIES)
    # numeric ids stay strings, and no buyer that is not an account looks like one
    assert snapshot.accounts["account_id"].str.fullmatch(r"\d+").all()


def test_a_second_write_into_the_same_directory_is_refused(written: Path) -> None:
    with pytest.raises(ThirdSimError, match="already holds a snapshot"):
        generate(1_000, 5, out=written)


def test_every_event_happens_after_the_accounts_it_names_joined(platform: Platform) -> None:
    accounts = platform.accounts.set_index("account_id")
    joined, left = accounts["joined_at"], accounts["left_at"]
    sponsored = accounts[accounts["sponsor_id"] != ""]
    assert (joined.reindex(sponsored["sponsor_id"]).to_numpy() < sponsored["joined_at"]).all()
    orders = platform.orders
    assert (joined.reindex(orders["seller_id"]).to_numpy() <= orders["created_at"]).all()
    seller_left = left.reindex(orders["seller_id"]).to_numpy()
    assert not (orders["created_at"].to_numpy() >= seller_left).any()  # NaT compares False
    agent = orders[orders["buyer_id"].isin(accounts.index)]
    assert (joined.reindex(agent["buyer_id"]).to_numpy() <= agent["created_at"]).all()
    pay = platform.commissions
    paid_for = pay[pay["source_id"] != ""]
    assert (joined.reindex(paid_for["source_id"]).to_numpy() <= paid_for["paid_at"]).all()
    assert (joined.reindex(pay["payee_id"]).to_numpy() <= pay["paid_at"]).all()
    assert (left.dropna() > joined.reindex(left.dropna().index)).all()


def test_the_same_seed_gives_the_same_platform_and_another_seed_another() -> None:
    config = ThirdSimConfig(accounts=1_500, seed=11)
    first, again = build_platform(config), build_platform(config)
    for table in ("accounts", "orders", "commissions", "labels"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(again, table))
    other = build_platform(ThirdSimConfig(accounts=1_500, seed=12))
    assert not first.accounts["account_id"].equals(other.accounts["account_id"])


@pytest.mark.parametrize("share", [0.0, 0.05, 0.3, 0.6])
def test_the_scheme_share_is_the_share_of_scheme_accounts(share: float) -> None:
    labels = build_platform(ThirdSimConfig(accounts=3_000, seed=2, scheme_share=share)).labels
    assert labels["label"].sum() == round(share * 3_000)


def test_roles_and_families_agree_with_the_labels(platform: Platform) -> None:
    labels, accounts = platform.labels, platform.accounts
    scheme = labels["label"] == 1
    assert set(labels["role"]) == ROLES
    assert ((labels["role"] == "legitimate") == ~scheme).all()
    assert set(labels.loc[scheme, "family"]) == {r.family for r in SCHEMES}
    assert set(labels.loc[~scheme, "family"]) == {r.family for r in LOOKALIKES}
    roots = set(accounts.loc[accounts["sponsor_id"] == "", "account_id"])
    organizers = labels.loc[labels["role"] == "organizer", "account_id"]
    assert set(organizers) <= roots and len(organizers) > 10


def _family(platform: Platform, family: str) -> set[str]:
    labels = platform.labels
    return set(labels.loc[labels["family"] == family, "account_id"])


def _roots(accounts: pd.DataFrame) -> pd.Series:
    """Each account's network (its root), by following sponsors to the top."""
    sponsor = accounts.set_index("account_id")["sponsor_id"]
    root = pd.Series(accounts["account_id"].to_numpy(), index=accounts["account_id"])
    while (up := sponsor.reindex(root.to_numpy()).to_numpy()) is not None and (up != "").any():
        root = pd.Series(np.where(up != "", up, root.to_numpy()), index=root.index)
    return root


def test_fake_consumers_are_a_pool_inside_one_network_at_list_prices(platform: Platform) -> None:
    accounts = platform.accounts
    orders = platform.orders[~platform.orders["buyer_id"].isin(accounts["account_id"])]
    orders = orders.assign(network=_roots(accounts).reindex(orders["seller_id"]).to_numpy())
    sellers = orders.groupby(["network", "buyer_id"])["seller_id"].transform("nunique")
    pooled = sellers >= 3  # one buyer id buying from three members of the same network

    def pooled_share(family: str) -> float:
        return float(pooled[orders["seller_id"].isin(_family(platform, family))].mean())

    assert pooled_share("fake_retail") > 0.3
    for lookalike in ("wholesale_chain", "direct_selling", "influencer", "affiliate_program"):
        assert pooled_share(lookalike) < pooled_share("fake_retail") - 0.2, lookalike
    fake = orders[orders["seller_id"].isin(_family(platform, "fake_retail")) & pooled]
    shop = orders[orders["seller_id"].isin(_family(platform, "independent_shop"))]

    # fakes pay the exact list price (list prices end in .9), genuine retail varies
    def at_list_price(sales: pd.DataFrame) -> pd.Series:
        return (sales["amount"] / sales["quantity"] * 10).round() % 10 == 9

    assert at_list_price(fake).all()
    assert at_list_price(shop).mean() < 0.2


def test_schemes_push_stock_and_lookalikes_sell_it(platform: Platform) -> None:
    orders = platform.orders
    agent = orders["buyer_id"].isin(platform.accounts["account_id"])
    by_seller = orders.assign(agent=agent * orders["amount"], retail=~agent * orders["amount"])
    totals = by_seller.groupby("seller_id")[["agent", "retail"]].sum()

    def pushed(family: str) -> float:
        chosen = totals.reindex(list(_family(platform, family))).fillna(0).sum()
        return float(chosen["agent"] / (chosen["agent"] + chosen["retail"]))

    assert pushed("stock_loading") > 0.6
    assert pushed("wholesale_chain") < pushed("stock_loading") - 0.2
    fees = platform.accounts.set_index("account_id")["entry_fee"]
    assert fees.reindex(list(_family(platform, "independent_shop"))).eq(0).all()
    assert fees.reindex(list(_family(platform, "pay_to_join"))).gt(0).mean() > 0.3


def test_the_in_memory_snapshot_keeps_the_family_column() -> None:
    snapshot = simulate(ThirdSimConfig(accounts=1_000, seed=4, id_style="prefixed"))
    assert isinstance(snapshot, Snapshot) and snapshot.labels is not None
    assert {"account_id", "label", "role", "family"} <= set(snapshot.labels.columns)
    assert snapshot.accounts["account_id"].str.startswith("AG").all()
    assert np.isin(snapshot.labels["account_id"], snapshot.accounts["account_id"]).all()


@pytest.mark.parametrize(
    ("knob", "value"),
    [("accounts", 10), ("scheme_share", 1.0), ("span_days", 30), ("price_scale", 0.0)],
)
def test_an_impossible_platform_is_refused_naming_the_knob(knob: str, value: float) -> None:
    with pytest.raises(ThirdSimError, match=knob):
        ThirdSimConfig(**{knob: value})  # type: ignore[arg-type]
