"""Account views and on-demand explanations over real HTTP, with a real model."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import Keys, bearer, start_server, world_settings
from tests.api.world import World

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_account_view_has_score_context_and_key_features(
    http: httpx.Client, keys: Keys, targets: dict[str, str], world: World
) -> None:
    body = http.get(f"/v1/accounts/{targets['account']}", headers=bearer(keys.moderator)).json()
    assert body["account_id"] == targets["account"]
    assert body["band"] in ("high", "critical") and 0.0 <= body["score"] <= 1.0
    assert body["run_id"] == world.run_id and body["model_version"] == "mlm-risk/1"
    assert body["as_of"].startswith("2025-") or body["as_of"][:4].isdigit()
    assert body["reasons"] and all(r["contribution"] > 0 for r in body["reasons"])
    assert isinstance(body["indicators"], list)
    # The scores of its network and its branch, beside its own (a scheme is a subgraph).
    assert 0.0 <= body["network_score"] <= 1.0 and 0.0 <= body["branch_score"] <= 1.0
    features = {f["feature"]: f for f in body["key_features"]}
    assert {"downline_size", "consumer_sales_share", "recruits_30d"} <= set(features)
    # Each key feature is placed in the run's population (the scoring run stores these).
    assert all(0 <= f["percentile"] <= 100 for f in features.values()), features
    assert features["downline_size"]["value"] is not None


def test_account_view_in_chinese_rewords_stored_reasons(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    path = f"/v1/accounts/{targets['account']}"
    english = http.get(path, headers=bearer(keys.regulator)).json()
    chinese = http.get(path, params={"lang": "zh"}, headers=bearer(keys.regulator)).json()
    assert [r["feature"] for r in english["reasons"]] == [r["feature"] for r in chinese["reasons"]]
    assert all(CJK.search(r["text"]) for r in chinese["reasons"])
    assert not any(CJK.search(r["text"]) for r in english["reasons"])
    assert CJK.search(chinese["key_features"][0]["description"])


def _read_without_a_model(
    world: World, home: Path, key: str, path: str, params: dict[str, Any]
) -> dict[str, Any]:
    """One GET on a server that loaded no model (the run's stored data only)."""
    server = start_server(world_settings(world, home), load_model=False)
    try:
        response = httpx.get(f"{server.url}{path}", params=params, headers=bearer(key), timeout=30)
    finally:
        server.stop()
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_without_a_model_chinese_readers_get_the_runs_evidence_in_chinese(
    world: World, keys: Keys, tmp_path: Path
) -> None:
    flagged = {"lang": "zh", "band": ["high", "critical"], "limit": 20}
    queue = _read_without_a_model(world, tmp_path, keys.moderator, "/v1/queue", flagged)
    flagged_items = [item for item in queue["items"] if item["reason"] == "risk"]  # no picks
    reasons = [r for item in flagged_items for r in item["reasons"]]
    indicators = [i for item in flagged_items for i in item["indicators"]]
    assert reasons and all(CJK.search(r["text"]) for r in reasons)
    assert all(r["reference"] is None or isinstance(r["reference"], float) for r in reasons)
    assert indicators and all(
        "指标特征" in i["text"] and CJK.search(i["title"]) for i in indicators
    )
    assert all(isinstance(i["params"], dict) for i in indicators)  # the run's thresholds


def test_queue_and_account_view_word_the_stored_evidence_in_english_by_default(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    queue = http.get("/v1/queue", params={"limit": 5}, headers=bearer(keys.moderator)).json()
    reasons = [r for item in queue["items"] for r in item["reasons"]]
    assert reasons and all(r["text"] and not CJK.search(r["text"]) for r in reasons)
    body = http.get(f"/v1/accounts/{targets['account']}", headers=bearer(keys.moderator)).json()
    for item in body["indicators"]:
        assert item["text"].startswith(("Meets", "Its")) and item["title"]


def test_explanation_on_demand_adds_up_and_speaks_chinese(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    path = f"/v1/accounts/{targets['account']}/explanation"
    body = http.get(path, params={"lang": "zh", "top": 3}, headers=bearer(keys.moderator)).json()
    assert body["lang"] == "zh" and len(body["up"]) == 3
    assert all(CJK.search(r["text"]) for r in body["up"] + body["down"])
    assert all(r["contribution"] > 0 for r in body["up"])
    assert all(r["contribution"] < 0 for r in body["down"])
    assert body["raw_score"] > body["base_value"]  # a flagged account is pushed up overall


def test_explanation_for_an_account_the_batch_did_not_explain(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    account = targets["unexplained"]
    stored = http.get(f"/v1/accounts/{account}", headers=bearer(keys.moderator)).json()
    assert stored["band"] == "low" and stored["reasons"] == []
    body = http.get(f"/v1/accounts/{account}/explanation", headers=bearer(keys.moderator)).json()
    assert body["up"] and body["down"]
    assert body["score"] == stored["score"] and body["run_id"] == stored["run_id"]


@pytest.mark.parametrize("suffix", ["", "/explanation"])
def test_unknown_account_is_404_json(http: httpx.Client, keys: Keys, suffix: str) -> None:
    response = http.get(f"/v1/accounts/NOT-AN-ACCOUNT{suffix}", headers=bearer(keys.moderator))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "NOT-AN-ACCOUNT" in response.json()["error"]["message"]


@pytest.mark.parametrize("query", [{"lang": "fr"}, {"top": 0}, {"top": 99}, {"top": "many"}])
def test_bad_explanation_input_is_422(
    http: httpx.Client, keys: Keys, targets: dict[str, str], query: dict[str, str | int]
) -> None:
    response = http.get(
        f"/v1/accounts/{targets['account']}/explanation",
        params=query,
        headers=bearer(keys.moderator),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert str(next(iter(query))) in response.json()["error"]["message"]


def test_unknown_path_is_404_json(http: httpx.Client, keys: Keys) -> None:
    response = http.get("/v1/nothing-here", headers=bearer(keys.moderator))
    assert response.status_code == 404 and "error" in response.json()
