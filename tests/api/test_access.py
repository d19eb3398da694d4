"""Every endpoint x every caller (no key, bad key, revoked key, each role) over real HTTP."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.api.conftest import Keys, bearer
from tests.api.test_console_server import console_fixture  # noqa: F401  (fixture "console")

MOD, REG, ADM = "moderator", "regulator", "admin"
# The documented matrix (api/roles.py), written out again so a change to the table shows here.
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, set[str], int]] = [
    ("GET", "/v1/accounts/{account}", None, {MOD, REG}, 200),
    ("GET", "/v1/accounts/{account}/explanation", None, {MOD, REG}, 200),
    ("GET", "/v1/queue", None, {MOD}, 200),
    ("GET", "/v1/networks", None, {MOD, REG}, 200),
    ("GET", "/v1/networks/{network}", None, {MOD, REG}, 200),
    ("POST", "/v1/accounts/{account}/decisions", {"decision": "escalate"}, {MOD}, 201),
    ("GET", "/v1/decisions", None, {MOD, REG}, 200),
    ("GET", "/v1/runs", None, {MOD, REG, ADM}, 200),
    ("GET", "/v1/keys", None, {ADM}, 200),
    ("POST", "/v1/keys", {"name": "made-by-matrix", "role": "regulator"}, {ADM}, 201),
    ("POST", "/v1/keys/mod-gone/revoke", None, {ADM}, 200),
    ("GET", "/v1/reports/latest?format=json", None, {REG, ADM}, 200),
]
TEMPLATES = {
    "/v1/accounts/{account}": "/v1/accounts/{account_id}",
    "/v1/accounts/{account}/explanation": "/v1/accounts/{account_id}/explanation",
    "/v1/networks/{network}": "/v1/networks/{network_id}",
    "/v1/accounts/{account}/decisions": "/v1/accounts/{account_id}/decisions",
    "/v1/keys/mod-gone/revoke": "/v1/keys/{name}/revoke",
    "/v1/reports/latest?format=json": "/v1/reports/{run_id}",
}
OPEN = ["/health", "/ready", "/metrics", "/docs", "/openapi.json"]


def _callers(keys: Keys) -> dict[str, dict[str, str]]:
    return {
        "no key": {},
        "not bearer": {"Authorization": f"Basic {keys.moderator}"},
        "bad key": bearer("mlr_" + "x" * 43),
        "revoked": bearer(keys.revoked),
        MOD: bearer(keys.moderator),
        REG: bearer(keys.regulator),
        ADM: bearer(keys.admin),
    }


@pytest.mark.parametrize(("method", "template", "body", "allowed", "success"), ENDPOINTS)
def test_matrix(
    http: httpx.Client,
    keys: Keys,
    targets: dict[str, str],
    method: str,
    template: str,
    body: dict[str, Any] | None,
    allowed: set[str],
    success: int,
) -> None:
    path = template.format(account=targets["matrix_account"], network=targets["network"])
    seen = {
        caller: http.request(method, path, json=body, headers=headers)
        for caller, headers in _callers(keys).items()
    }
    expected = {
        caller: success if caller in allowed else (403 if caller in (MOD, REG, ADM) else 401)
        for caller in seen
    }
    assert {caller: r.status_code for caller, r in seen.items()} == expected
    for caller, response in seen.items():
        if response.status_code in (401, 403):
            assert set(response.json()["error"]) == {"code", "message"}, caller
        if response.status_code == 401:
            assert response.headers["www-authenticate"] == "Bearer"


def test_open_endpoints_need_no_key(http: httpx.Client) -> None:
    for path in OPEN:
        assert http.get(path).status_code == 200, path


def test_roles_table_matches_served_routes(http: httpx.Client) -> None:
    from api.roles import ACCESS

    paths = http.get("/openapi.json").json()["paths"]
    served = {(m.upper(), p) for p, ops in paths.items() if p.startswith("/v1/") for m in ops}
    assert served == set(ACCESS)
    # The matrix above covers every served route.
    covered = {(method, TEMPLATES.get(path, path)) for method, path, *_ in ENDPOINTS}
    assert covered == served


def test_revoked_through_the_api_is_refused_at_once(http: httpx.Client, keys: Keys) -> None:
    made = http.post(
        "/v1/keys", json={"name": "short-lived", "role": "moderator"}, headers=bearer(keys.admin)
    )
    assert made.status_code == 201
    key = made.json()["key"]
    assert http.get("/v1/queue", headers=bearer(key)).status_code == 200
    revoked = http.post("/v1/keys/short-lived/revoke", headers=bearer(keys.admin))
    assert revoked.json()["active"] is False
    assert http.get("/v1/queue", headers=bearer(key)).status_code == 401
    listed = http.get("/v1/keys", headers=bearer(keys.admin)).json()
    assert all("key" not in k and "key_hash" not in k for k in listed)


NOTE = "隐私测试：审核员的备注 (never for regulators)"


def test_regulators_read_people_as_pseudonyms_and_no_notes_everywhere(
    http: httpx.Client, keys: Keys, targets: dict[str, str], console: str
) -> None:
    account = targets["private_account"]
    made = http.post(
        f"/v1/accounts/{account}/decisions",
        json={"decision": "escalate", "note": NOTE},
        headers=bearer(keys.moderator),
    )
    assert made.status_code == 201
    params = {"account_id": account}
    moderator = http.get("/v1/decisions", params=params, headers=bearer(keys.moderator)).json()
    assert any(d["note"] == NOTE and d["reviewer"] == "mod-ann" for d in moderator)
    for format in ("json", "csv"):
        regulator = http.get(
            "/v1/decisions", params={**params, "format": format}, headers=bearer(keys.regulator)
        )
        assert regulator.status_code == 200
        assert "mod-ann" not in regulator.text and NOTE not in regulator.text, format
    pseudonyms = {
        d["reviewer"]
        for d in http.get("/v1/decisions", params=params, headers=bearer(keys.regulator)).json()
    }
    assert pseudonyms and all(re.fullmatch(r"R-[0-9a-f]{8}", p) for p in pseudonyms)
    assert all(
        d["note"] is None
        for d in http.get("/v1/decisions", params=params, headers=bearer(keys.regulator)).json()
    )

    # The console: the account's decision history and the audit log, as a regulator.
    with httpx.Client(base_url=console, timeout=30) as client:
        client.post("/console/login", data={"key": keys.regulator})
        page = client.get(f"/console/accounts/{account}").text
        audit = client.get("/console/audit", params={"target": account}).text
        everything = client.get("/console/audit").text
    for shown in (page, audit, everything):
        assert "mod-ann" not in shown and NOTE not in shown
    assert re.search(r"R-[0-9a-f]{8}", page) and re.search(r"R-[0-9a-f]{8}", audit)
    # A moderator still reads the note and the name.
    with httpx.Client(base_url=console, timeout=30) as client:
        client.post("/console/login", data={"key": keys.moderator})
        assert NOTE in client.get(f"/console/accounts/{account}").text
