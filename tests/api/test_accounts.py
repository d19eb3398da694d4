"""Account views and on-demand explanations over real HTTP, with a real model."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.api.conftest import Keys, bearer
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
