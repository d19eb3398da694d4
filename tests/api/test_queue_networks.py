"""The review queue (filters, pagination, order) and the network view."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from tests.api.conftest import Keys, bearer
from tests.api.world import World


def _queue(http: httpx.Client, keys: Keys, **params: object) -> httpx.Response:
    return http.get("/v1/queue", params=params, headers=bearer(keys.moderator))  # type: ignore[arg-type]


def test_queue_pages_are_sorted_by_score_and_filtered(http: httpx.Client, keys: Keys) -> None:
    first = _queue(http, keys, limit=5, status="all", order="score").json()
    second = _queue(http, keys, limit=5, offset=5, status="all", order="score").json()
    assert first["order"] == "score"
    items = first["items"] + second["items"]
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    assert [i["rank"] for i in items] == list(range(1, 11))
    assert first["total"] == 3000 and first["limit"] == 5
    critical = _queue(http, keys, band="critical", limit=1000, status="all").json()
    assert critical["items"] and {i["band"] for i in critical["items"]} == {"critical"}
    region = items[0]["region"]
    by_region = _queue(http, keys, region=region, limit=1000, status="all").json()
    assert {i["region"] for i in by_region["items"]} == {region}
    network = items[0]["network_id"]
    by_network = _queue(http, keys, network_id=network, limit=1000, status="all").json()
    assert {i["network_id"] for i in by_network["items"]} == {network}
    several = _queue(http, keys, band=["low", "critical"], limit=1, status="all").json()
    low = _queue(http, keys, band="low", limit=1, status="all").json()
    assert several["total"] == low["total"] + critical["total"]


def test_default_queue_leads_with_organizers_and_recruiters_of_the_riskiest_networks(
    http: httpx.Client, keys: Keys
) -> None:
    page = _queue(http, keys, limit=20).json()
    decided = _decided(http, keys)
    scored = _queue(http, keys, limit=1, order="score").json()["total"]
    assert page["order"] == "priority" and (page["total"], scored) == (3000 - decided,) * 2
    # the ordinary items (the day's exploration picks keep their own places: reason exploration)
    items = [item for item in page["items"] if item["reason"] == "risk"]
    roles = [item["role"] for item in items]
    assert roles[0] in ("organizer", "recruiter") and roles.count("participant") == 0
    per_network = Counter(item["network_id"] for item in items)
    # One network takes three places in a row, then the next network's turn.
    assert max(per_network.values()) <= 3 or len(per_network) * 3 < len(items)
    # The first network served is the riskiest network that has an organizer or recruiter.
    ranked = _queue(http, keys, limit=1000, order="score", role=["organizer", "recruiter"]).json()
    top = max(i["network_score"] for i in ranked["items"])
    assert items[0]["network_score"] == top
    # the flagged view is the day's queue: its total counts the exploration picks placed in it,
    # flagged or not; flagged_left counts flagged accounts only
    flagged = _queue(http, keys, band=["high", "critical"], limit=1000, order="score").json()
    unflagged_picks = sum(
        item["reason"] == "exploration" and item["band"] not in ("high", "critical")
        for item in flagged["items"]
    )
    assert page["flagged_left"] == flagged["total"] - unflagged_picks


def _decided(http: httpx.Client, keys: Keys) -> int:
    return int(_queue(http, keys, status="decided", limit=1).json()["total"])


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1001},
        {"offset": -1},
        {"band": "severe"},
        {"status": "done"},
        {"order": "newest"},
    ],
)
def test_bad_queue_parameters_are_422(
    http: httpx.Client, keys: Keys, params: dict[str, object]
) -> None:
    response = _queue(http, keys, **params)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_network_view_sums_money_per_tier(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    network = targets["network"]
    body = http.get(f"/v1/networks/{network}", headers=bearer(keys.moderator)).json()
    members = _queue(http, keys, network_id=network, status="all", limit=1000).json()["items"]
    assert body["accounts"] == len(members) == sum(t["accounts"] for t in body["tiers"])
    flagged = [m for m in members if m["band"] in ("high", "critical")]
    assert body["flagged"] == len(flagged) == sum(t["flagged"] for t in body["tiers"])
    listed_flagged = {a["account_id"] for a in body["flagged_accounts"] if a["flagged"]}
    assert listed_flagged == {m["account_id"] for m in flagged}
    # The root (the network id is its account id) leads the list, whatever its band.
    assert body["flagged_accounts"][0]["account_id"] == network
    assert body["flagged_accounts"][0]["root"]
    assert [t["tier"] for t in body["tiers"]] == sorted({m["tier"] for m in members})
    for flow in ("stock_pushed_down", "consumer_sales", "commissions_up", "entry_fees"):
        assert body["totals"][flow] == pytest.approx(sum(t[flow] for t in body["tiers"]), abs=0.05)
    assert body["totals"]["stock_pushed_down"] > 0


def test_unknown_network_is_404(http: httpx.Client, keys: Keys) -> None:
    response = http.get("/v1/networks/NO-NETWORK", headers=bearer(keys.regulator))
    assert response.status_code == 404


def test_the_pending_queue_holds_the_exploration_share(
    http: httpx.Client, keys: Keys, world: World
) -> None:
    from risk.store.db import open_store
    from risk.store.exploration import stored_picks

    day = _queue(http, keys, limit=100).json()["items"]
    engine = open_store(world.store_url)
    picks = stored_picks(engine, world.run_id)
    engine.dispose()
    assert len(picks) == 5  # 5 % of the daily capacity of 100 (the default settings)
    # other tests decide accounts of the shared world: the picks still pending are listed
    pending = picks.loc[picks["decision"].isna(), "account_id"].tolist()
    explored = [i for i in day if i["reason"] == "exploration"]
    assert [i["account_id"] for i in explored] == pending
    assert [day.index(i) for i in explored] == [19, 39, 59, 79, 99][: len(pending)]
    assert all(i["decision"] is None for i in explored)
    assert {i["reason"] for i in day} <= {"risk", "exploration"}
