"""Console pages over real HTTP (no browser): sign-in cookie, redirects, roles, headers, lang."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

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


def same_site(client: httpx.Client) -> dict[str, str]:
    """The Origin header a browser sends with a form posted from the console's own pages."""
    return {"Origin": str(client.base_url).rstrip("/")}


def form_token(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


def signed_in(client: httpx.Client, key: str) -> httpx.Client:
    token = form_token(client.get("/console/login").text)
    response = client.post(
        "/console/login", data={"key": key, "csrf_token": token}, headers=same_site(client)
    )
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
    client.cookies.set("mlr_console_session", keys.revoked)  # a key is no session
    assert client.get("/console/").status_code == 303
    login = client.get("/console/login")
    assert login.status_code == 200 and 'type="password"' in login.text


def test_sign_in_sets_a_strict_http_only_cookie_and_no_key_in_urls(
    client: httpx.Client, keys: Keys
) -> None:
    token = form_token(client.get("/console/login").text)
    response = client.post(
        "/console/login",
        data={"key": keys.moderator, "csrf_token": token},
        headers=same_site(client),
    )
    assert response.status_code == 303
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("mlr_console_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert keys.moderator not in response.headers["location"]
    assert keys.moderator not in "".join(response.headers.get_list("set-cookie"))
    token = form_token(client.get("/console/login").text)
    bad = client.post(
        "/console/login",
        data={"key": "mlr_not-a-key", "csrf_token": token},
        headers=same_site(client),
    )
    assert bad.status_code == 401 and "mlr_not-a-key" not in bad.text


def test_pages_carry_security_headers_and_refuse_cross_site_posts(
    client: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    signed_in(client, keys.moderator)
    queue = client.get("/console/")
    assert queue.status_code == 200
    assert "script-src 'self'" in queue.headers["content-security-policy"]
    assert queue.headers["cache-control"] == "no-store"
    token = form_token(client.get(f"/console/accounts/{targets['account']}").text)
    forged = client.post(
        f"/console/accounts/{targets['account']}/decisions",
        data={"decision": "dismiss", "csrf_token": token},
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


def test_a_bad_filter_gets_the_console_error_page_naming_it(
    client: httpx.Client, keys: Keys
) -> None:
    signed_in(client, keys.moderator)
    for params, named in (
        ({"band": "severe"}, "band"),
        ({"order": "newest"}, "order"),
        ({"page": "two"}, "page"),
        ({"status": "done", "lang": "zh"}, "status"),
    ):
        response = client.get("/console/", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith("text/html"), params
        assert named in response.text and '<header class="top">' in response.text
    assert "筛选条件 status" in response.text
    account = client.get("/console/accounts/x", params={"queue": "band=severe"})
    assert account.status_code == 422 and "band" in account.text
    api = client.get("/v1/queue", params={"page": "two", "limit": "x"})
    assert api.headers["content-type"] == "application/json"  # the API keeps its JSON errors


def test_a_decision_goes_on_to_the_next_account_of_the_same_queue(
    client: httpx.Client, keys: Keys
) -> None:
    signed_in(client, keys.moderator2)
    listing = client.get("/console/", params={"band": "any", "order": "score", "page": 2})
    assert listing.status_code == 200
    rows = re.findall(r'<tr data-href="([^"]+)"[^>]*>', listing.text)
    assert len(rows) >= 3
    link = html.unescape(rows[1])
    assert "queue=band%3Dany%26order%3Dscore" in link and "at=51" in link
    account = client.get(link)
    assert 'href="/console/?band=any&amp;order=score" id="back-to-queue"' in account.text
    decided = urlsplit(link).path.rsplit("/", 1)[-1]
    origin = {"Origin": str(client.base_url).rstrip("/")}
    form = {
        "decision": "escalate",
        "queue": "band=any&order=score",
        "at": "51",
        "note": "见附件",
        "csrf_token": form_token(account.text),
    }
    # First the consequence, named; nothing recorded until it is confirmed.
    asked = client.post(f"/console/accounts/{decided}/decisions", data=form, headers=origin)
    assert asked.status_code == 200
    assert "referred for senior / legal review" in asked.text
    assert 'name="note" value="见附件"' in asked.text  # the note carried, not lost
    assert 'name="confirmed" value="yes"' in asked.text
    assert "Latest decision <b>none</b>" in client.get(urlsplit(link).path).text
    response = client.post(
        f"/console/accounts/{decided}/decisions",
        data={**form, "confirmed": "yes"},
        headers=origin,
    )
    assert response.status_code == 303
    # The next account, the same queue; it now stands where the decided one stood.
    following = html.unescape(rows[2]).replace("at=52", "at=51")
    assert response.headers["location"] == following
    landed = client.get(following)
    assert "Decision recorded" in landed.text and decided in landed.text


def test_the_decision_form_names_each_consequence_in_both_languages(
    client: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    signed_in(client, keys.moderator)
    english = client.get(f"/console/accounts/{targets['account']}").text
    assert "account suspended; statement of reasons issued" in english
    assert "no action; flag cleared" in english
    chinese = client.get(f"/console/accounts/{targets['account']}", params={"lang": "zh"}).text
    assert "暂停账户；已出具处理理由说明" in chinese and "排除" in chinese
    origin = {"Origin": str(client.base_url).rstrip("/")}
    odd = client.post(
        f"/console/accounts/{targets['account']}/decisions",
        data={"decision": "ban", "csrf_token": form_token(english)},
        headers=origin,
    )
    assert odd.status_code == 422 and "decision" in odd.text


def test_regulators_find_the_report_in_the_console(
    client: httpx.Client, keys: Keys, console: str
) -> None:
    signed_in(client, keys.regulator)
    lookup = client.get("/console/")
    assert 'id="nav-reports"' in lookup.text
    listing = client.get("/console/reports")
    assert listing.status_code == 200
    link = re.search(r'href="(/console/reports/[0-9a-f]+/csv\?lang=zh)"', listing.text)
    assert link is not None
    csv = client.get(html.unescape(link.group(1)))
    assert csv.status_code == 200 and csv.text.startswith("account_id,rank,score,band,role")
    assert "attachment" in csv.headers["content-disposition"]
    started = time.perf_counter()
    pdf = client.get(html.unescape(link.group(1)).replace("/csv?", "/pdf?"))
    assert pdf.content.startswith(b"%PDF-") and time.perf_counter() - started < 3.0  # cached
    assert client.get("/console/reports/latest/docx").status_code == 422
    client.cookies.clear()
    signed_in(client, keys.moderator)
    assert client.get("/console/reports").status_code == 403
    assert 'id="nav-reports"' not in client.get("/console/").text


def test_the_queue_marks_exploration_in_both_languages(client: httpx.Client, keys: Keys) -> None:
    signed_in(client, keys.moderator)
    for lang, word in (("en", "exploration"), ("zh", "探索抽样")):
        html = client.get("/console/", params={"lang": lang}).text
        assert html.count('data-reason="exploration"') >= 1  # at places 20 and 40 while pending
        assert f">{word}</span>" in html and 'data-reason="risk"' in html
