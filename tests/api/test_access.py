"""Every endpoint x every caller (no key, bad key, revoked key, each role) over real HTTP."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.api.conftest import Keys, bearer
from tests.api.test_console_server import console_fixture  # noqa: F401  (fixture "console")
from tests.console_forms import console_sign_in

MOD, LEAD, REG, ADM = "moderator", "lead", "regulator", "admin"
# The documented matrix (api/roles.py), written out again so a change to the table shows here.
_PROPOSAL = {
    "outcomes": [{"account_id": "{account}", "decision": "confirm"}],
    "ground_kind": "terms",
    "legal_ground": "Terms 4.2",
    "statement": "s",
}
_QA_REVIEW = {"outcomes": [{"account_id": "a", "decision": "confirm"}]}
# Success is a status or the statuses an allowed caller may meet (a case's state decides: the
# first caller may claim the last case, release what a second caller may not).
ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, set[str], int | tuple[int, ...]]] = [
    ("GET", "/v1/accounts/{account}", None, {MOD, LEAD, REG}, 200),
    ("GET", "/v1/accounts/{account}/explanation", None, {MOD, LEAD, REG}, 200),
    ("GET", "/v1/queue", None, {MOD, LEAD}, 200),
    ("GET", "/v1/networks", None, {MOD, LEAD, REG}, 200),
    ("GET", "/v1/networks/{network}", None, {MOD, LEAD, REG}, 200),
    ("POST", "/v1/accounts/{account}/decisions", {"decision": "escalate"}, {MOD, LEAD}, 201),
    ("GET", "/v1/decisions", None, {MOD, LEAD, REG}, 200),
    ("GET", "/v1/runs", None, {MOD, LEAD, REG, ADM}, 200),
    # the shared world has no challenger, so no shadow run: allowed callers get 404, not 403
    ("GET", "/v1/models/compare", None, {MOD, LEAD, REG, ADM}, 404),
    ("GET", "/v1/monitoring", None, {MOD, LEAD, REG, ADM}, 200),
    ("GET", "/v1/cases", None, {MOD, LEAD, REG}, 200),
    (
        "POST",
        "/v1/cases",
        {"account_id": "{account}", "unit_kind": "branch"},
        {MOD, LEAD},
        (201, 409),
    ),
    ("GET", "/v1/cases/{case}", None, {MOD, LEAD, REG}, 200),
    ("POST", "/v1/cases/next", None, {MOD, LEAD}, (200, 204)),
    ("POST", "/v1/cases/{case}/release", None, {MOD, LEAD}, (200, 409)),
    ("POST", "/v1/cases/{case}/reassign", {"assignee": "mod-dee"}, {LEAD}, 200),
    # The role gate comes first: an allowed caller meets the case's state (409), an account
    # not in the case (422) or an id nobody has (404); the others 401/403.
    ("POST", "/v1/cases/{case}/decision", _PROPOSAL, {MOD, LEAD}, (409, 422)),
    ("POST", "/v1/cases/{case}/close", None, {MOD, LEAD}, 409),
    ("POST", "/v1/proposals/999999/approve", {}, {LEAD}, 404),
    ("POST", "/v1/proposals/999999/reject", {}, {LEAD}, 404),
    ("POST", "/v1/appeals", {"action_id": 999999, "grounds": "g"}, {MOD, LEAD}, 404),
    (
        "POST",
        "/v1/appeals/999999/decision",
        {"outcome": "uphold", "reasons": "r"},
        {MOD, LEAD},
        404,
    ),
    (
        "POST",
        "/v1/webhooks",
        {"url": "http://127.0.0.1:9/x", "events": ["case.opened"]},
        {ADM},
        201,
    ),
    # leads follow deliveries (as on the console page); only admins subscribe or revoke
    ("GET", "/v1/webhooks", None, {ADM, LEAD}, 200),
    ("GET", "/v1/transparency", None, {LEAD, REG}, 200),
    ("POST", "/v1/qa/next", None, {MOD, LEAD}, (200, 204)),
    (
        "POST",
        "/v1/qa/999999",
        {"outcomes": [{"account_id": "a", "decision": "confirm"}]},
        {MOD, LEAD},
        404,
    ),
    ("GET", "/v1/qa/agreement", None, {LEAD, REG}, 200),
    ("POST", "/v1/webhooks/999999/revoke", None, {ADM}, 404),
    ("GET", "/v1/webhooks/1/deliveries", None, {ADM, LEAD}, 200),
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
    "/v1/cases/{case}": "/v1/cases/{case_id}",
    "/v1/cases/{case}/release": "/v1/cases/{case_id}/release",
    "/v1/cases/{case}/reassign": "/v1/cases/{case_id}/reassign",
    "/v1/cases/{case}/decision": "/v1/cases/{case_id}/decision",
    "/v1/cases/{case}/close": "/v1/cases/{case_id}/close",
    "/v1/proposals/999999/approve": "/v1/proposals/{proposal_id}/approve",
    "/v1/proposals/999999/reject": "/v1/proposals/{proposal_id}/reject",
    "/v1/appeals/999999/decision": "/v1/appeals/{appeal_id}/decision",
    "/v1/webhooks/999999/revoke": "/v1/webhooks/{subscription_id}/revoke",
    "/v1/qa/999999": "/v1/qa/{qa_id}",
    "/v1/webhooks/1/deliveries": "/v1/webhooks/{subscription_id}/deliveries",
}
OPEN = ["/health", "/ready", "/metrics", "/docs", "/openapi.json"]


def _filled(body: Any, ids: dict[str, str]) -> Any:
    """The body with ``{account}`` and ``{network}`` filled in, at any depth."""
    if isinstance(body, dict):
        return {k: _filled(v, ids) for k, v in body.items()}
    if isinstance(body, list):
        return [_filled(v, ids) for v in body]
    return body.format(**ids) if isinstance(body, str) else body


def _callers(keys: Keys) -> dict[str, dict[str, str]]:
    return {
        "no key": {},
        "not bearer": {"Authorization": f"Basic {keys.moderator}"},
        "bad key": bearer("mlr_" + "x" * 43),
        "revoked": bearer(keys.revoked),
        MOD: bearer(keys.moderator),
        REG: bearer(keys.regulator),
        ADM: bearer(keys.admin),
        LEAD: bearer(keys.lead),
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
    success: int | tuple[int, ...],
) -> None:
    ids = {"account": targets["matrix_account"], "network": targets["network"]}
    path = template.format(case=targets["case"], **ids)
    sent = None if body is None else _filled(body, ids)
    seen = {
        caller: http.request(method, path, json=sent, headers=headers)
        for caller, headers in _callers(keys).items()
    }
    successes = success if isinstance(success, tuple) else (success,)
    refused = {
        caller: 403 if caller in (MOD, LEAD, REG, ADM) else 401
        for caller in seen
        if caller not in allowed
    }
    assert {c: r.status_code for c, r in seen.items() if c not in allowed} == refused
    for caller in allowed:
        assert seen[caller].status_code in successes, (caller, seen[caller].text)
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
        console_sign_in(client, keys.regulator)
        page = client.get(f"/console/accounts/{account}").text
        audit = client.get("/console/audit", params={"target": account}).text
        everything = client.get("/console/audit").text
    for shown in (page, audit, everything):
        assert "mod-ann" not in shown and NOTE not in shown
    assert re.search(r"R-[0-9a-f]{8}", page) and re.search(r"R-[0-9a-f]{8}", audit)
    # A moderator still reads the note and the name.
    with httpx.Client(base_url=console, timeout=30) as client:
        console_sign_in(client, keys.moderator)
        assert NOTE in client.get(f"/console/accounts/{account}").text


def test_the_console_webhooks_page_and_the_api_agree_on_who_reads_deliveries(
    http: httpx.Client, keys: Keys, console: str
) -> None:
    """Leads and admins read subscriptions and deliveries in the API and the console alike;
    only admins create or revoke one (docs/security.md, "Webhooks")."""
    made = http.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/agree", "events": ["case.opened"]},
        headers=bearer(keys.admin),
    )
    assert made.status_code == 201
    subscription = made.json()["id"]
    by_role = {MOD: keys.moderator, LEAD: keys.lead, REG: keys.regulator, ADM: keys.admin}
    for role, key in by_role.items():
        api_listed = http.get("/v1/webhooks", headers=bearer(key)).status_code
        api_log = http.get(f"/v1/webhooks/{subscription}/deliveries", headers=bearer(key))
        with httpx.Client(base_url=console, timeout=30) as client:
            console_sign_in(client, key)
            page = client.get("/console/webhooks")
        reads = role in {LEAD, ADM}
        assert (api_listed, api_log.status_code, page.status_code) == (
            (200, 200, 200) if reads else (403, 403, 403)
        ), role
        if reads:
            assert "http://127.0.0.1:9/agree" in page.text
            assert "secret" not in http.get("/v1/webhooks", headers=bearer(key)).text
    lead = http.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/lead", "events": ["case.opened"]},
        headers=bearer(keys.lead),
    )
    assert lead.status_code == 403
    revoke = http.post(f"/v1/webhooks/{subscription}/revoke", headers=bearer(keys.lead))
    assert revoke.status_code == 403
