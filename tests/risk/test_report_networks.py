"""The report's network chart ranks flagged networks by network score, the scheme as a unit."""

from __future__ import annotations

import pandas as pd

from risk.report.content import chart_data
from risk.store.retention_tallies import DroppedRows


def _frame() -> pd.DataFrame:
    """Three networks: big (12 accounts, 6 flagged, network score 0.55), small (3 accounts,
    2 flagged, 0.97), quiet (2 accounts, none flagged, 0.10)."""
    rows = []
    for i in range(12):
        rows.append(("big", i % 3, "high" if i < 6 else "low", 0.55))
    for i in range(3):
        rows.append(("small", i, "critical" if i < 2 else "low", 0.97))
    rows += [("quiet", 0, "low", 0.10), ("quiet", 1, "low", 0.10)]
    frame = pd.DataFrame(rows, columns=["network_id", "tier", "band", "network_score"])
    return frame.assign(score=0.5)


def test_networks_are_ranked_by_network_score_not_size() -> None:
    networks = chart_data(_frame(), {}, {}, DroppedRows())["networks"]
    assert [n["network_id"] for n in networks] == ["small", "big"]  # quiet: nothing flagged
    assert networks[0]["network_score"] == 0.97 and networks[0]["flagged"] == 2
    assert networks[1]["accounts"] == 12
    assert sum(t["flagged"] for t in networks[1]["tiers"]) == 6


def test_runs_stored_before_network_scores_rank_by_flagged_accounts() -> None:
    networks = chart_data(_frame().drop(columns="network_score"), {}, {}, DroppedRows())
    assert [n["network_id"] for n in networks["networks"]] == ["big", "small"]
    assert networks["networks"][0]["network_score"] == 0.0
