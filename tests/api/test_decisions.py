"""Decisions: append-only, reviewer from the key, audited in the hash chain, exported."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from tests.api.conftest import Keys, bearer
from tests.api.world import World


def test_decision_is_recorded_with_the_keys_reviewer(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    account = targets["decided_account"]
    response = http.post(
        f"/v1/accounts/{account}/decisions",
        json={"decision": "confirm", "note": "下线全靠拉人头"},
        headers=bearer(keys.moderator2),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["reviewer"] == "mod-dee" and body["decision"] == "confirm"
    assert body["note"] == "下线全靠拉人头" and body["account_id"] == account
    exported = http.get(
        "/v1/decisions", params={"account_id": account}, headers=bearer(keys.regulator)
    ).json()
    assert [d["id"] for d in exported] == [body["id"]]
    # The account leaves the pending queue and shows up under "decided".
    pending = http.get(
        "/v1/queue", params={"limit": 1000, "status": "pending"}, headers=bearer(keys.moderator)
    ).json()
    assert account not in {i["account_id"] for i in pending["items"]}
    decided = http.get(
        "/v1/queue", params={"status": "decided", "limit": 1000}, headers=bearer(keys.moderator)
    ).json()
    assert account in {i["account_id"] for i in decided["items"]}
    view = http.get(f"/v1/accounts/{account}", headers=bearer(keys.moderator)).json()
    assert view["decision"] == "confirm"


def test_reviewer_in_the_body_is_refused(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    response = http.post(
        f"/v1/accounts/{targets['account']}/decisions",
        json={"decision": "dismiss", "reviewer": "someone-else"},
        headers=bearer(keys.moderator),
    )
    assert response.status_code == 422
    assert "reviewer" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [None, {}, {"decision": "approve"}, {"decision": "confirm", "note": "x" * 4001}, [1, 2]],
    ids=["missing", "empty", "unknown-decision", "long-note", "not-object"],
)
def test_bad_decision_bodies_are_422(
    http: httpx.Client, keys: Keys, targets: dict[str, str], body: object
) -> None:
    response = http.post(
        f"/v1/accounts/{targets['account']}/decisions", json=body, headers=bearer(keys.moderator)
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_decision_on_unknown_account_is_404(http: httpx.Client, keys: Keys) -> None:
    response = http.post(
        "/v1/accounts/NO-SUCH/decisions",
        json={"decision": "confirm"},
        headers=bearer(keys.moderator),
    )
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_decisions_cannot_be_edited(http: httpx.Client, keys: Keys, method: str) -> None:
    for path in ("/v1/accounts/x/decisions", "/v1/decisions"):
        response = http.request(method, path, json={}, headers=bearer(keys.moderator))
        assert response.status_code == 405, (method, path)
        assert response.json()["error"]["code"] == "method_not_allowed"


def test_decisions_export_as_csv(http: httpx.Client, keys: Keys, targets: dict[str, str]) -> None:
    account = targets["escalated_account"]
    http.post(
        f"/v1/accounts/{account}/decisions",
        json={"decision": "escalate", "note": "需要法务复核"},
        headers=bearer(keys.moderator),
    )
    # moderators read the notes and names; regulators pseudonyms and no notes (test_access)
    response = http.get("/v1/decisions", params={"format": "csv"}, headers=bearer(keys.moderator))
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    mine = [row for row in rows if row["account_id"] == account]
    assert mine and mine[-1]["note"] == "需要法务复核" and mine[-1]["reviewer"] == "mod-ann"
    bad = http.get("/v1/decisions", params={"since": "yesterday"}, headers=bearer(keys.regulator))
    assert bad.status_code == 422


def test_views_and_decisions_are_in_a_verified_audit_chain(
    http: httpx.Client, keys: Keys, targets: dict[str, str], world: World
) -> None:
    from risk.store.audit import list_audit, verify_audit_chain
    from risk.store.db import open_store

    account = targets["account"]
    http.get(f"/v1/accounts/{account}", headers=bearer(keys.regulator))
    http.get(f"/v1/accounts/{account}/explanation", headers=bearer(keys.regulator))
    http.get(f"/v1/networks/{targets['network']}", headers=bearer(keys.regulator))
    http.post(
        f"/v1/accounts/{account}/decisions",
        json={"decision": "dismiss"},
        headers=bearer(keys.moderator),
    )
    engine = open_store(world.store_url)
    entries = list_audit(engine, limit=10)
    check = verify_audit_chain(engine)
    engine.dispose()
    recent = [(e.actor, e.action, e.target) for e in entries[:4]][::-1]
    assert recent == [
        ("reg-bo", "account.view", account),
        ("reg-bo", "account.explain", account),
        ("reg-bo", "network.view", targets["network"]),
        ("mod-ann", "decision.record", account),
    ]
    assert check.ok and check.entries >= 4
