"""The network view summed in the database equals a plain pandas computation (both backends)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from risk.errors import StoreInputError
from risk.service.errors import NetworkNotFoundError
from risk.service.networks import FLAGGED_BANDS, FLOWS, MAX_FLAGGED_LISTED, network_view
from risk.store.audit import list_audit
from risk.store.networks import network_groups
from tests.risk.conftest import AS_OF, RunWriter

NETWORK = "net-pyramid"
BANDS = np.array(["low", "medium", "high", "critical"])


def _features(rng: np.random.Generator, i: int) -> dict[str, Any] | None:
    """Money features with the gaps a store can hold: absent, NaN (stored null), text, none."""
    if i % 17 == 0:
        return None
    values: dict[str, Any] = {
        name: float(np.round(rng.random() * 5000, 2)) for name in FLOWS if rng.random() > 0.15
    }
    values["downline_size"] = int(rng.integers(0, 50))
    if i % 5 == 0:
        values["entry_fee"] = float("nan")
    if i % 11 == 0:
        values["consumer_sales_amount"] = "n/a"
    if i % 13 == 0:
        values["team_commission_amount"] = int(rng.integers(0, 900))  # a JSON integer
    return values


def _scores(seed: int, *, network_size: int = 420, others: int = 180) -> pd.DataFrame:
    """A run's scores: one big network (several bands, unknown tiers) among small ones."""
    rng = np.random.default_rng(seed)
    count = network_size + others
    score = np.sort(rng.random(count))[::-1]
    network = np.array([NETWORK] * network_size + [f"net-{i % 9}" for i in range(others)])
    rng.shuffle(network)
    tier = rng.integers(0, 6, count).astype(object)
    tier[rng.random(count) < 0.08] = None
    return pd.DataFrame(
        {
            "account_id": [f"acct-{seed}-{i:04d}" for i in range(count)],
            "network_id": network,
            "region": "浙江",
            "tier": tier,
            "score": score,
            "band": BANDS[rng.integers(0, 4, count)],
            "rank": np.arange(1, count + 1),
            "features": [_features(rng, i) for i in range(count)],
        }
    )


def _with_root_and_organizer(scores: pd.DataFrame) -> pd.DataFrame:
    """The network's two lowest-ranked members become its root account (the network id is the
    root's account id) and its likely organizer, both below the flagged bands."""
    scores = scores.assign(role=None, role_probability=None)
    last, before_last = scores.index[scores["network_id"] == NETWORK][[-1, -2]]
    scores.loc[last, ["account_id", "band"]] = [NETWORK, "low"]
    scores.loc[before_last, ["band", "role", "role_probability"]] = ["medium", "organizer", 0.7]
    return scores


def _expected(scores: pd.DataFrame, run_id: str) -> dict[str, Any]:
    """The view computed the plain way: every account of the network in pandas."""
    members = scores[scores["network_id"] == NETWORK].reset_index(drop=True)
    features = pd.DataFrame.from_records([f or {} for f in members["features"]])
    money = features.reindex(columns=list(FLOWS)).apply(pd.to_numeric, errors="coerce")
    frame = money.fillna(0.0).rename(columns=FLOWS)
    frame["tier"] = members["tier"].fillna(-1).astype("int64")
    frame["flagged"] = members["band"].isin(FLAGGED_BANDS)
    frame["score"] = members["score"]
    grouped = frame.groupby("tier", sort=True)
    tiers = grouped[list(FLOWS.values())].sum().round(2)
    tiers.insert(0, "accounts", grouped.size())
    tiers.insert(1, "flagged", grouped["flagged"].sum())
    tiers.insert(2, "mean_score", grouped["score"].mean().round(4))
    shown = members.assign(
        tier=frame["tier"],
        flagged=frame["flagged"],
        root=members["account_id"] == NETWORK,
        pinned=np.select(
            [members["account_id"] == NETWORK, members["role"] == "organizer"], [0, 1], 2
        ),
    )
    shown = shown[shown["flagged"] | (shown["pinned"] < 2)].sort_values(["pinned", "rank"])
    columns = ["account_id", "tier", "score", "band", "rank", "role", "role_probability"]
    listed = shown.head(MAX_FLAGGED_LISTED)[[*columns, "root", "flagged"]]
    return {
        "network_id": NETWORK,
        "run_id": run_id,
        "accounts": len(members),
        "flagged": int(frame["flagged"].sum()),
        "bands": members["band"].value_counts().to_dict(),
        "tiers": tiers.reset_index().to_dict(orient="records"),
        "totals": frame[list(FLOWS.values())].sum().round(2).to_dict(),
        "flagged_accounts": listed.to_dict(orient="records"),
    }


def test_network_view_equals_the_pandas_computation(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    publish_scores(_scores(seed=1), as_of=AS_OF - timedelta(days=1))  # an older run: not shown
    scores = _with_root_and_organizer(_scores(seed=2))
    run_id = publish_scores(scores)
    view = network_view(engine=store_engine, network_id=NETWORK, actor="mod-a")
    expected = _expected(scores, run_id)
    assert view == expected
    # The root and the likely organizer lead the list though no band flags them.
    first, second = view["flagged_accounts"][:2]
    assert first["account_id"] == NETWORK and first["root"] and not first["flagged"]
    assert second["role"] == "organizer" and second["band"] == "medium"
    assert list(view["bands"]) == list(expected["bands"])  # most accounts first
    assert -1 in {tier["tier"] for tier in view["tiers"]}
    assert expected["flagged"] > MAX_FLAGGED_LISTED == len(view["flagged_accounts"])
    assert all(isinstance(tier["accounts"], int) for tier in view["tiers"])
    entry = list_audit(store_engine, target=NETWORK)[0]
    assert entry.action == "network.view" and entry.actor == "mod-a"
    assert entry.details == {"run_id": run_id, "accounts": expected["accounts"]}


def test_unknown_network_is_not_found_and_audited(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    with pytest.raises(NetworkNotFoundError):
        # Nothing published yet.
        network_view(engine=store_engine, network_id=NETWORK, actor="mod-a")
    publish_scores(_scores(seed=3))
    with pytest.raises(NetworkNotFoundError):
        network_view(engine=store_engine, network_id="net-none", actor="mod-b")
    views = [e for e in list_audit(store_engine) if e.action == "network.view"]
    assert [entry.details for entry in views] == [{"run_id": None, "accounts": 0}] * 2


def test_network_groups_sum_per_tier_and_band(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    scores = _scores(seed=4, network_size=30, others=10)
    run_id = publish_scores(scores)
    found = network_groups(
        store_engine,
        NETWORK,
        run_id=run_id,
        money=list(FLOWS),
        flagged_bands=["critical"],
        listed=3,
    )
    members = scores[scores["network_id"] == NETWORK]
    per_group = members.assign(tier=members["tier"].fillna(-1)).groupby(["tier", "band"])
    assert found.groups["accounts"].tolist() == per_group.size().tolist()
    assert found.groups["first_rank"].tolist() == per_group["rank"].min().tolist()
    critical = members[members["band"] == "critical"].sort_values("rank").head(3)
    assert [a["account_id"] for a in found.flagged] == critical["account_id"].tolist()
    with pytest.raises(StoreInputError, match="two or more"):
        network_groups(
            store_engine, NETWORK, run_id=run_id, money=["entry_fee"], flagged_bands=[], listed=1
        )
