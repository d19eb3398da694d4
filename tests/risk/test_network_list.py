"""The list of networks as cases, summed in the database, equals a pandas computation (both
backends): filters, order, pages, bands, depth, regions and decision counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from risk.errors import StoreInputError
from risk.scoring.table import group_scores, networks_flagged
from risk.service.networks import network_list
from risk.store.decisions import record_decision
from risk.store.network_list import networks_page
from risk.vocab import FLAGGED_BANDS
from tests.risk.conftest import AS_OF, RunWriter

BANDS = ["low", "medium", "high", "critical"]
REGIONS = np.array(["浙江", "江苏", "广东", None], dtype=object)


def _scores(seed: int, count: int = 700) -> pd.DataFrame:
    """A run of many networks of heavy-tailed sizes, some accounts in none, some tiers unknown."""
    rng = np.random.default_rng(seed)
    score = np.sort(rng.random(count))[::-1]
    network = rng.zipf(1.6, count) % 60
    network_id = np.array([f"net-{n:02d}" for n in network], dtype=object)
    network_id[rng.random(count) < 0.05] = None
    tier = rng.integers(0, 7, count).astype(object)
    tier[rng.random(count) < 0.1] = None
    band = np.select(
        [score >= 0.93, score >= 0.8, score >= 0.5], ["critical", "high", "medium"], "low"
    )
    account_id = pd.Index([f"acct-{seed}-{i:04d}" for i in range(count)])
    network_score = group_scores(pd.Series(score, index=account_id), pd.Series(network_id))
    network_score[pd.isna(network_id)] = np.nan
    network_score[network_id == "net-07"] = np.nan  # as if scored before revision 0005
    return pd.DataFrame(
        {
            "account_id": account_id,
            "network_id": network_id,
            "region": REGIONS[rng.integers(0, len(REGIONS), count)],
            "tier": tier,
            "score": score,
            "band": band,
            "rank": np.arange(1, count + 1),
            "network_score": network_score.to_numpy(),
            "features": [{"downline_size": 1}] * count,
        }
    )


def _expected(
    scores: pd.DataFrame,
    decided: set[str],
    *,
    min_band: str = "high",
    region: str | None = None,
) -> list[dict[str, Any]]:
    """Every matching network the plain way, in the documented order."""
    members = scores[scores["network_id"].notna()].assign(
        level=lambda f: f["band"].map(BANDS.index),
        flagged=lambda f: f["band"].isin(FLAGGED_BANDS),
        decided=lambda f: f["account_id"].isin(decided),
    )
    rows = []
    for network_id, group in members.groupby("network_id"):
        if group["level"].max() < BANDS.index(min_band):
            continue
        if region is not None and not (group["region"] == region).any():
            continue
        tiers = group["tier"].dropna()
        network_score = group["network_score"].max()
        rows.append(
            {
                "network_id": network_id,
                "network_score": None if pd.isna(network_score) else float(network_score),
                "accounts": len(group),
                "flagged": int(group["flagged"].sum()),
                "bands": {band: int((group["band"] == band).sum()) for band in BANDS},
                "max_band": BANDS[int(group["level"].max())],
                "top_score": float(group["score"].max()),
                "depth": None if tiers.empty else int(tiers.max()),
                "regions": sorted(group["region"].dropna().unique().tolist()),
                "decided": int(group["decided"].sum()),
                "flagged_pending": int((group["flagged"] & ~group["decided"]).sum()),
            }
        )
    return sorted(
        rows,
        key=lambda r: (
            r["network_score"] is None,
            -(r["network_score"] or 0.0),
            -r["flagged"],
            -r["top_score"],
            r["network_id"],
        ),
    )


def _listed(engine: Engine, **filters: Any) -> list[dict[str, Any]]:
    """Every network of the list, walked page by page."""
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = networks_page(engine, flagged_bands=FLAGGED_BANDS, limit=7, offset=offset, **filters)
        items += page.to_dict()["items"]
        offset += 7
        if offset >= page.total:
            return items


def _decide(engine: Engine, scores: pd.DataFrame) -> set[str]:
    """Decisions on a few flagged and unflagged accounts (one decided twice)."""
    chosen = scores[scores["network_id"].notna()].iloc[[0, 1, 2, 40, 300, 301]]
    for account in chosen["account_id"]:
        record_decision(engine, account_id=account, decision="confirm", note=None, reviewer="m")
    first = str(chosen["account_id"].iloc[0])
    record_decision(engine, account_id=first, decision="dismiss", note=None, reviewer="m")
    return set(chosen["account_id"])


def test_networks_page_equals_the_pandas_computation(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    publish_scores(_scores(seed=1), as_of=AS_OF - timedelta(days=1))  # older: not listed
    scores = _scores(seed=2)
    run_id = publish_scores(scores)
    decided = _decide(store_engine, scores)
    for filters in ({}, {"min_band": "critical"}, {"min_band": "low"}, {"region": "江苏"}):
        assert _listed(store_engine, **filters) == _expected(scores, decided, **filters), filters
    page = networks_page(store_engine, flagged_bands=FLAGGED_BANDS, limit=3)
    assert page.run_id == run_id and len(page.items) == 3
    # The default list is the run's flagged networks, as the run counted them when scored.
    assert page.total == networks_flagged(scores["network_id"], scores["band"])
    assert sum(item.decided for item in page.items) >= 1


def test_networks_are_ranked_by_network_score_first(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    # n-big: most flagged accounts but a diluted network score; n-small: few, all high.
    big = [0.95, 0.9, 0.9, 0.85, *[0.0] * 46]
    small = [0.85, 0.8, 0.8]
    scores = pd.Series(big + small, index=[f"a{i:03d}" for i in range(len(big) + len(small))])
    network_id = pd.Series(["n-big"] * len(big) + ["n-small"] * len(small), index=scores.index)
    order = scores.sort_values(ascending=False, kind="stable").index
    band = np.select([scores >= 0.9, scores >= 0.8], ["critical", "high"], "low")
    publish_scores(
        pd.DataFrame(
            {
                "account_id": scores.index,
                "network_id": network_id,
                "score": scores,
                "band": band,
                "rank": pd.Series(range(1, len(scores) + 1), index=order).reindex(scores.index),
                "network_score": group_scores(scores, network_id),
            }
        )
    )
    page = networks_page(store_engine, flagged_bands=FLAGGED_BANDS)
    listed = [(item.network_id, item.network_score, item.flagged) for item in page.items]
    assert listed == [
        ("n-small", pytest.approx(0.8167, abs=1e-4), 3),
        ("n-big", pytest.approx((0.95 + 0.9 + 0.9 + 0.85 + 0.0) / 5), 4),
    ]


def test_a_page_past_the_end_is_empty_with_the_total(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    scores = _scores(seed=3)
    publish_scores(scores)
    expected = _expected(scores, set(), min_band="medium")
    past = networks_page(
        store_engine, flagged_bands=FLAGGED_BANDS, min_band="medium", limit=5, offset=10_000
    )
    assert past.items == [] and past.total == len(expected)
    nothing = networks_page(store_engine, flagged_bands=FLAGGED_BANDS, region="no-such-region")
    assert nothing.items == [] and nothing.total == 0


def test_no_published_run_lists_nothing_and_bad_input_is_refused(store_engine: Engine) -> None:
    page = network_list(engine=store_engine, min_band="high", region=None, limit=50, offset=0)
    assert page.items == [] and page.total == 0 and page.run_id == ""
    for bad in ({"min_band": "severe"}, {"limit": 0}, {"limit": 1001}, {"offset": -1}):
        with pytest.raises(StoreInputError):
            networks_page(store_engine, flagged_bands=FLAGGED_BANDS, **bad)
