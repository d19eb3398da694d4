"""The platform simulator: contract-valid, deterministic, calibrated, not trivially separable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit
from typer.testing import CliRunner

from features.snapshot import Snapshot
from features.validation import read_valid_snapshot, validate_snapshot
from risk.cli import app
from tests.training.test_simulator_signals import account_signals
from training.simulator import (
    FAMILY_NAMES,
    SimulationConfig,
    SimulationConfigError,
    SimulationError,
    simulate_platform,
    write_snapshot,
)

SINGLE_SIGNALS = (
    "tier",
    "downline_size",
    "agent_sales_share",
    "entry_fee",
    "recruitment_commission_share",
)
TABLES = ("accounts", "orders", "commissions", "labels")


@pytest.fixture(scope="module")
def small() -> Snapshot:
    return simulate_platform(SimulationConfig(accounts=4_000, seed=7))


@pytest.fixture(scope="module")
def signals() -> pd.DataFrame:
    return account_signals(simulate_platform(SimulationConfig(accounts=20_000, seed=11)))


def _bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_gives_byte_identical_files(
    tmp_path: Path, fmt: Literal["csv", "parquet"]
) -> None:
    config = SimulationConfig(accounts=1_500, seed=3)
    written = write_snapshot(simulate_platform(config), tmp_path / "a", fmt)
    write_snapshot(simulate_platform(config), tmp_path / "b", fmt)
    other = SimulationConfig(accounts=1_500, seed=4)
    write_snapshot(simulate_platform(other), tmp_path / "c", fmt)
    assert [p.name for p in written] == [f"{t}.{fmt}" for t in TABLES]
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    assert _bytes(tmp_path / "a")[f"orders.{fmt}"] != _bytes(tmp_path / "c")[f"orders.{fmt}"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_snapshot_validates_clean_and_round_trips(
    small: Snapshot, tmp_path: Path, fmt: Literal["csv", "parquet"]
) -> None:
    write_snapshot(small, tmp_path / "snap", fmt)
    report = validate_snapshot(tmp_path / "snap")
    assert report.ok and not report.warnings, report.render()
    loaded = read_valid_snapshot(tmp_path / "snap")
    pd.testing.assert_frame_equal(loaded.accounts, small.accounts)
    pd.testing.assert_frame_equal(loaded.orders, small.orders)
    pd.testing.assert_frame_equal(loaded.commissions, small.commissions)
    assert loaded.labels is not None and small.labels is not None
    pd.testing.assert_frame_equal(
        loaded.labels[["account_id", "label", "role"]],
        small.labels[["account_id", "label", "role"]],
    )


def test_canonical_dtypes_and_id_formats(small: Snapshot) -> None:
    accounts, orders = small.accounts, small.orders
    assert str(accounts["account_id"].dtype) == "str"
    assert str(accounts["joined_at"].dtype) == "datetime64[us, UTC]"
    assert orders["quantity"].dtype == "int64" and orders["refunded"].dtype == bool
    assert small.labels is not None and small.labels["label"].dtype == "int8"
    assert accounts["account_id"].str.match(r"^A\d{7,}$").all()
    assert accounts["account_id"].is_unique and orders["order_id"].is_unique
    consumer = ~orders["buyer_id"].isin(accounts["account_id"])
    assert orders.loc[consumer, "buyer_id"].str.startswith("C").all()
    assert (~consumer).any() and consumer.mean() > 0.5


def test_structure_and_time_invariants(small: Snapshot) -> None:
    accounts = small.accounts.set_index("account_id")
    sponsor = accounts["sponsor_id"].dropna()
    assert sponsor.isin(accounts.index).all() and (sponsor != sponsor.index).all()
    assert (
        accounts.loc[sponsor.index, "joined_at"].to_numpy()
        > accounts.loc[sponsor.to_numpy(), "joined_at"].to_numpy()
    ).all()
    left = accounts["left_at"].dropna()
    assert (left > accounts.loc[left.index, "joined_at"]).all()
    end = SimulationConfig().start + pd.Timedelta(days=365)
    assert accounts["joined_at"].max() < end and small.orders["created_at"].max() < end
    assert (small.orders["amount"] > 0).all() and (small.orders["quantity"] >= 1).all()
    assert (small.commissions["amount"] >= 0.01).all()
    assert small.commissions["payee_id"].isin(accounts.index).all()
    recruit = small.commissions.dropna(subset=["source_id"])
    assert (
        recruit["paid_at"].to_numpy() >= accounts.loc[recruit["source_id"], "joined_at"].to_numpy()
    ).all()
    # every agent purchase is bought from the buyer's own sponsor, after the buyer joined
    orders = small.orders[small.orders["buyer_id"].isin(accounts.index)]
    assert (
        orders["seller_id"].to_numpy() == accounts.loc[orders["buyer_id"], "sponsor_id"].to_numpy()
    ).all()
    assert (
        orders["created_at"].to_numpy() > accounts.loc[orders["buyer_id"], "joined_at"].to_numpy()
    ).all()
    assert set(small.commissions["kind"]) == {"recruitment", "retail", "team", "other"}


def test_every_family_present_and_labelled(small: Snapshot) -> None:
    labels = small.labels
    assert labels is not None
    assert len(labels) == len(small.accounts) == 4_000
    assert set(labels["family"]) == set(FAMILY_NAMES)
    assert ((labels["label"] == 1) == (labels["role"] != "legitimate")).all()
    assert set(labels.loc[labels["label"] == 1, "role"]) == {
        "organizer",
        "recruiter",
        "participant",
    }
    by_family = labels.groupby("family")["label"].mean()
    for family in ("classic_pyramid", "disguised_pyramid", "slow_high_ticket_pyramid"):
        assert by_family[family] == 1.0
    for family in (
        "independent_shop",
        "affiliate_network",
        "group_buy_leader",
        "wholesale_distributor",
        "viral_campaign",
    ):
        assert by_family[family] == 0.0


def test_drifted_networks_hold_both_classes(signals: pd.DataFrame) -> None:
    drifted = signals[signals["family"] == "drifted_network"]
    classes = drifted.groupby("network")["label"].nunique()
    assert len(classes) >= 5 and (classes == 2).all()


@pytest.mark.parametrize("share", [0.1, 0.5])
def test_positive_share_and_span_are_configurable(share: float) -> None:
    config = SimulationConfig(accounts=5_000, seed=2, positive_share=share, span_days=90)
    snapshot = simulate_platform(config)
    assert snapshot.labels is not None
    assert abs(snapshot.labels["label"].mean() - share) < 0.02
    assert snapshot.latest_event_time() < config.start + pd.Timedelta(days=90)
    assert snapshot.accounts["joined_at"].min() >= config.start


def test_no_single_signal_gives_the_answer_away(signals: pd.DataFrame) -> None:
    for name in SINGLE_SIGNALS:
        auc = roc_auc_score(signals["label"], signals[name])
        assert 0.1 < auc < 0.90, (name, auc)


def test_families_are_distinguishable_in_combination(signals: pd.DataFrame) -> None:
    columns = [c for c in signals.columns if c not in ("label", "family", "role", "network")]
    split = GroupShuffleSplit(n_splits=1, test_size=0.3, random_state=0)
    train, test = next(split.split(signals, signals["label"], signals["network"]))
    model = HistGradientBoostingClassifier(random_state=0, max_iter=60)
    model.fit(signals.iloc[train][columns], signals["label"].iloc[train])
    scores = model.predict_proba(signals.iloc[test][columns])[:, 1]
    assert roc_auc_score(signals["label"].iloc[test], scores) >= 0.93


def test_calibrated_to_the_domain(signals: pd.DataFrame) -> None:
    """Most scheme participants lose money, churn is high, a few pyramids run deep."""
    money = signals["sold"] + signals["income"] - signals["entry_fee"] - signals["stock_bought"]
    participants = signals["role"] == "participant"
    classic = participants & signals["family"].isin(["classic_pyramid", "slow_high_ticket_pyramid"])
    assert (money[classic] < 0).mean() > 0.85
    # disguised schemes' fake orders look like income here, though the scheme paid for them
    assert (money[participants] < 0).mean() > 0.75
    legitimate_networks = signals[signals["family"] == "affiliate_network"]
    assert 0.15 < legitimate_networks["left"].mean() < 0.6
    assert signals.loc[signals["family"] == "classic_pyramid", "left"].mean() > 0.6
    pyramid_depth = signals.loc[signals["label"] == 1].groupby("network")["network_depth"].max()
    assert pyramid_depth.max() >= 10 and pyramid_depth.median() <= 6


def test_write_is_atomic_and_refuses_to_overwrite(small: Snapshot, tmp_path: Path) -> None:
    broken = Snapshot(
        accounts=small.accounts,
        orders=small.orders.assign(amount=[object()] * len(small.orders)),
        commissions=small.commissions,
        labels=small.labels,
    )
    with pytest.raises(Exception):  # noqa: B017 (whatever Arrow raises, nothing may remain)
        write_snapshot(broken, tmp_path / "out", "parquet")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("x")
    with pytest.raises(SimulationError):
        write_snapshot(small, tmp_path / "taken", "csv")
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["keep.txt"]


def test_bad_config_is_refused() -> None:
    with pytest.raises(SimulationConfigError):
        SimulationConfig(accounts=10)
    with pytest.raises(SimulationConfigError):
        SimulationConfig(positive_share=1.0)


def test_cli_simulate_writes_and_summarises(tmp_path: Path) -> None:
    runner = CliRunner()
    args = [
        "simulate",
        str(tmp_path / "s"),
        "--accounts",
        "800",
        "--seed",
        "1",
        "--format",
        "csv",
        "--positive-share",
        "0.4",
        "--span-days",
        "120",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "accounts     800" in result.output and "classic_pyramid" in result.output
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    again = runner.invoke(app, args)
    assert again.exit_code != 0
