"""Console sessions and forgery over real HTTP: server-side sessions (ended at sign-out and on
key revocation), a CSRF token on every state-changing form, Origin/Referer checks, Secure
cookies over HTTPS."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from risk.store.db import open_store
from risk.store.decisions import list_decisions
from risk.store.keys import create_key, revoke_key
from tests.api.conftest import Keys
from tests.api.test_console_pages import form_token, same_site, signed_in
from tests.api.test_console_server import console_fixture  # noqa: F401  (fixture "console")
from tests.api.world import World

pytestmark = pytest.mark.slow


@pytest.fixture
def client(console: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=console, timeout=30, follow_redirects=False) as http:
        yield http


def _session(client: httpx.Client) -> str:
    value = client.cookies.get("mlr_console_session", path="/console")
    assert value
    return value


def _decisions_on(world: World, account: str) -> int:
    engine = open_store(world.store_url)
    try:
        return len(list_decisions(engine, account_id=account))
    finally:
        engine.dispose()


def test_the_cookie_is_a_random_session_id_ended_at_sign_out(
    client: httpx.Client, keys: Keys
) -> None:
    signed_in(client, keys.moderator)
    session = _session(client)
    assert session != keys.moderator and not session.startswith("mlr_")
    page = client.get("/console/")
    assert page.status_code == 200
    out = client.post(
        "/console/logout", data={"csrf_token": form_token(page.text)}, headers=same_site(client)
    )
    assert out.status_code == 303
    with httpx.Client(base_url=str(client.base_url), timeout=30) as replay:
        replay.cookies.set("mlr_console_session", session, path="/console")
        # the old cookie, replayed after sign-out, opens nothing
        assert replay.get("/console/", follow_redirects=False).status_code == 303


def test_revoking_the_key_ends_its_sessions(client: httpx.Client, world: World) -> None:
    name = f"mod-{uuid.uuid4().hex[:6]}"
    engine = open_store(world.store_url)
    key, _ = create_key(engine, role="moderator", name=name)
    signed_in(client, key)
    assert client.get("/console/").status_code == 200
    revoke_key(engine, name)
    engine.dispose()
    assert client.get("/console/").status_code == 303


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null"},
        {},
        {"Referer": "https://evil.example/page"},
        {"Origin": "https://evil.example"},
    ],
    ids=["origin-null", "no-origin-no-referer", "foreign-referer", "foreign-origin"],
)
def test_a_decision_without_a_same_site_origin_is_refused(
    client: httpx.Client, keys: Keys, targets: dict[str, str], world: World, headers: dict[str, str]
) -> None:
    account = targets["matrix_account"]
    signed_in(client, keys.moderator2)
    token = form_token(client.get(f"/console/accounts/{account}").text)
    before = _decisions_on(world, account)
    forged = client.post(
        f"/console/accounts/{account}/decisions",
        data={"decision": "dismiss", "csrf_token": token},
        headers=headers,
    )
    assert forged.status_code == 403
    assert _decisions_on(world, account) == before


@pytest.mark.parametrize("token", ["", "0" * 64], ids=["missing", "wrong"])
def test_a_decision_without_this_sessions_csrf_token_is_refused(
    client: httpx.Client, keys: Keys, targets: dict[str, str], world: World, token: str
) -> None:
    account = targets["matrix_account"]
    signed_in(client, keys.moderator2)
    before = _decisions_on(world, account)
    forged = client.post(
        f"/console/accounts/{account}/decisions",
        data={"decision": "dismiss", "csrf_token": token},
        headers=same_site(client),
    )
    assert forged.status_code == 403 and "nothing was recorded" in forged.text
    in_chinese = client.post(
        f"/console/accounts/{account}/decisions",
        params={"lang": "zh"},
        data={"decision": "dismiss", "csrf_token": token},
        headers=same_site(client),
    )
    assert in_chinese.status_code == 403 and "未记录任何内容" in in_chinese.text
    assert _decisions_on(world, account) == before


def test_a_same_site_referer_with_the_token_records_the_decision(
    client: httpx.Client, keys: Keys, targets: dict[str, str], world: World
) -> None:
    account = targets["escalated_account"]
    signed_in(client, keys.moderator2)
    url = f"/console/accounts/{account}"
    token = form_token(client.get(url).text)
    before = _decisions_on(world, account)
    done = client.post(
        f"{url}/decisions",
        data={"decision": "escalate", "confirmed": "yes", "csrf_token": token},
        headers={"Referer": f"{client.base_url}{url}".replace("//console", "/console")},
    )
    assert done.status_code == 303
    assert _decisions_on(world, account) == before + 1


def test_sign_in_needs_its_form_token_and_a_same_site_origin(
    client: httpx.Client, keys: Keys
) -> None:
    token = form_token(client.get("/console/login").text)
    no_token = client.post(
        "/console/login", data={"key": keys.moderator}, headers=same_site(client)
    )
    assert no_token.status_code == 403
    no_origin = client.post("/console/login", data={"key": keys.moderator, "csrf_token": token})
    assert no_origin.status_code == 403
    assert client.cookies.get("mlr_console_session", path="/console") is None


def test_cookies_are_secure_over_https(client: httpx.Client, keys: Keys) -> None:
    https = {"X-Forwarded-Proto": "https"}
    login = client.get("/console/login", headers=https)
    assert "Secure" in login.headers["set-cookie"]
    token = form_token(login.text)
    # A browser sends the Secure cookie back over HTTPS; httpx (plain http here) would not.
    response = httpx.post(
        f"{client.base_url}/console/login".replace("//console", "/console"),
        data={"key": keys.moderator, "csrf_token": token},
        headers={**same_site(client), **https, "Cookie": f"mlr_console_login_csrf={token}"},
    )
    assert response.status_code == 303
    session = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("mlr_console_session=")
    )
    assert "Secure" in session
    plain = httpx.Client(base_url=str(client.base_url), timeout=30)
    assert "Secure" not in plain.get("/console/login").headers["set-cookie"]
    plain.close()
