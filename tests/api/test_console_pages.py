"""Console pages over real HTTP (no browser): sign-in cookie, redirects, roles, headers, lang."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api.console.i18n import STRINGS, pick_lang
from tests.api.conftest import Keys
from tests.api.test_console_server import console_fixture  # noqa: F401  (fixture "console")

pytestmark = pytest.mark.slow


@pytest.fixture
def client(console: str) -> Iterator[httpx.Client]:
    """A cookie-keeping client that does not follow redirects (we check them)."""
    with httpx.Client(base_url=console, timeout=30, follow_redirects=False) as http:
        yield http


def signed_in(client: httpx.Client, key: str) -> httpx.Client:
    response = client.post("/console/login", data={"key": key})
    assert response.status_code == 303 and response.headers["location"] == "/console/"
    return client


def test_every_string_exists_in_both_languages() -> None:
    assert STRINGS["en"].keys() == STRINGS["zh"].keys()
    assert all(text.strip() for table in STRINGS.values() for text in table.values())
    assert pick_lang("zh", "en") == "zh" and pick_lang(None, "zh") == "zh"
    assert pick_lang("fr", None) == "en"


def test_pages_redirect_to_sign_in_without_a_valid_key(client: httpx.Client, keys: Keys) -> None:
    pages = ("/console/", "/console/accounts/x", "/console/networks", "/console/networks/x")
    for path in (*pages, "/console/audit", "/console/runs"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/console/login"
    client.cookies.set("mlr_console_key", keys.revoked)
    assert client.get("/console/").status_code == 303
    login = client.get("/console/login")
    assert login.status_code == 200 and 'type="password"' in login.text


def test_sign_in_sets_a_strict_http_only_cookie_and_no_key_in_urls(
    client: httpx.Client, keys: Keys
) -> None:
    same_site = {"Origin": str(client.base_url).rstrip("/")}
    response = client.post("/console/login", data={"key": keys.moderator}, headers=same_site)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert keys.moderator not in response.headers["location"]
    bad = client.post("/console/login", data={"key": "mlr_not-a-key"})
    assert bad.status_code == 401 and "mlr_not-a-key" not in bad.text


def test_pages_carry_security_headers_and_refuse_cross_site_posts(
    client: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    signed_in(client, keys.moderator)
    queue = client.get("/console/")
    assert queue.status_code == 200
    assert "script-src 'self'" in queue.headers["content-security-policy"]
    assert queue.headers["cache-control"] == "no-store"
    forged = client.post(
        f"/console/accounts/{targets['account']}/decisions",
        data={"decision": "dismiss"},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403


def test_roles_shape_the_console(client: httpx.Client, keys: Keys, targets: dict[str, str]) -> None:
    signed_in(client, keys.admin)
    assert client.get("/console/").headers["location"] == "/console/runs"
    runs = client.get("/console/runs")
    assert runs.status_code == 200 and "published" in runs.text
    assert client.get(f"/console/accounts/{targets['account']}").status_code == 403
    assert client.get("/console/audit").status_code == 403
    assert client.get("/console/networks").status_code == 403
    assert client.get(f"/console/networks/{targets['network']}").status_code == 403
    assert 'id="nav-networks"' not in runs.text
    client.cookies.clear()
    signed_in(client, keys.regulator)
    account = client.get(f"/console/accounts/{targets['account']}")
    assert account.status_code == 200 and 'id="decision-form"' not in account.text
    network = client.get(f"/console/networks/{targets['network']}")
    assert network.status_code == 200 and 'id="network-queue"' not in network.text
    assert client.get("/console/networks").status_code == 200
    assert client.get("/console/accounts/no-such-account").status_code == 404


def test_language_choice_is_remembered(client: httpx.Client, keys: Keys) -> None:
    signed_in(client, keys.moderator)
    chinese = client.get("/console/audit", params={"lang": "zh"})
    assert "审计日志" in chinese.text and "mlr_console_lang=zh" in chinese.headers["set-cookie"]
    assert "审计日志" in client.get("/console/audit").text
    assert "Audit log" in client.get("/console/audit", params={"lang": "en"}).text


def test_the_queue_marks_exploration_in_both_languages(client: httpx.Client, keys: Keys) -> None:
    signed_in(client, keys.moderator)
    for lang, word in (("en", "exploration"), ("zh", "探索抽样")):
        html = client.get("/console/", params={"lang": lang}).text
        assert html.count('data-reason="exploration"') >= 1  # at places 20 and 40 while pending
        assert f">{word}</span>" in html and 'data-reason="risk"' in html
