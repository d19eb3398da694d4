"""The console end to end in a real headless Chromium (Debian's, driven by Playwright).

Nothing is downloaded: Playwright's driver launches /usr/bin/chromium. Without it the tests
skip, except under CI=true where a missing browser fails them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Keys
from tests.api.test_console_server import console_fixture  # noqa: F401  (fixture "console")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"
VIEWPORT = {"width": 1360, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, launched through Playwright's bundled driver."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true requires the browser tests to run; {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: docs/img with RISK_CONSOLE_SCREENSHOTS=1 (README), else tmp."""
    if os.environ.get("RISK_CONSOLE_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        return DOCS_IMAGES
    return tmp_path


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page per test."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(page: Any, console: str, key: str) -> None:
    """Sign in through the form and wait for the page the console opens."""
    page.goto(f"{console}/console/login")
    page.fill("#key", key)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")


def test_moderator_reviews_decides_and_finds_it_in_the_queue_and_audit_log(
    page: Any, console: str, keys: Keys, shots: Path
) -> None:
    sign_in(page, console, keys.moderator)
    assert page.url == f"{console}/console/"
    cookie = next(c for c in page.context.cookies() if c["name"] == "mlr_console_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["value"] != keys.moderator and not cookie["secure"]  # plain http here
    rows = page.locator("#queue tbody tr")
    assert rows.count() > 10
    # The default queue: likely organizers and recruiters of the riskiest networks first, a
    # network taking at most three places in a row; the flagged work left is counted.
    roles = page.locator("#queue tbody td.role").all_inner_texts()
    assert roles[0].split(" (")[0] in ("organizer", "recruiter")
    network_scores = [float(s) for s in page.locator("#queue tbody td.net-score").all_inner_texts()]
    assert network_scores[0] == max(network_scores)
    networks = [n.strip() for n in page.locator("#queue tbody td.net").all_inner_texts()]
    assert all(len(set(networks[i : i + 4])) > 1 for i in range(min(20, len(networks) - 3)))
    assert "flagged accounts left to decide" in page.locator("#flagged-left").inner_text()
    # The score order is one click away; exploration picks keep their own places in it.
    with page.expect_navigation():
        page.click("#order-score")
    ordinary = page.locator("#queue tbody tr[data-reason=risk] td:nth-child(3)")
    scores = [float(s) for s in ordinary.all_inner_texts()]
    assert scores == sorted(scores, reverse=True)  # exploration picks sit at their own places
    assert page.locator("#queue tbody tr[data-reason=exploration] .explore").count() >= 1

    # Keyboard: j moves down the queue (past the rows the API tests decide on) to the first
    # account with a legal indicator (which one that is depends on the model), Enter opens.
    listed = [a.strip() for a in page.locator("#queue tbody td:nth-child(2)").all_inner_texts()]
    bearer = {"Authorization": f"Bearer {keys.moderator}"}

    def has_indicators(account_id: str) -> bool:
        found = page.request.get(f"{console}/v1/accounts/{account_id}", headers=bearer).json()
        return bool(found["indicators"])

    place = next(i for i in range(7, len(listed) - 1) if has_indicators(listed[i]))
    for _ in range(place + 1):
        page.keyboard.press("j")
    selected = page.locator("#queue tbody tr.sel")
    account = selected.locator("td:nth-child(2)").inner_text().strip()
    assert account == listed[place]
    following = (
        page.locator("#queue tbody tr").nth(place + 1).locator("td:nth-child(2)").inner_text()
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/console/accounts/{account}?" in page.url
    assert page.locator("h1").inner_text() == account
    assert page.locator("#reasons .bar-row.up svg rect").count() >= 1
    # the legal indicators the API holds for this account, each listed
    hits = len(
        page.request.get(f"{console}/v1/accounts/{account}", headers=bearer).json()["indicators"]
    )
    assert hits >= 1 and page.locator("#indicators li").count() == hits
    assert page.locator("#indicators .count").inner_text() == str(hits)
    assert page.locator("#indicators .cite").first.inner_text().startswith("Citation:")
    assert page.locator("#network tr.own").count() == 1
    assert page.locator("#sales tbody tr").count() >= 5
    page.screenshot(path=str(shots / "console_account.png"))

    # Decide with the keyboard: c picks "confirm" and puts the cursor in the note; once
    # recorded, the console opens the next account of the same queue (score order kept).
    page.keyboard.press("c")
    assert page.locator("input[name=decision][value=confirm]").is_checked()
    page.keyboard.type("browser test: 确认传销特征")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    # Nothing recorded yet: the console names what confirming does and asks first.
    consequence = page.locator("#consequence").inner_text()
    assert "account suspended; statement of reasons issued" in consequence
    assert "browser test: 确认传销特征" in page.locator("#confirm-note").inner_text()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the confirm button has the focus
    flash = page.locator(".flash").inner_text()
    assert "Decision recorded" in flash and account in flash
    assert page.locator("h1").inner_text() == following.strip()
    with page.expect_navigation():
        page.keyboard.press("q")
    assert "order=score" in page.url
    page.goto(f"{console}/console/accounts/{account}")
    assert "browser test: 确认传销特征" in page.locator("#decide").inner_text()

    # The queue's "decided" filter shows it; the pending queue no longer does.
    page.goto(f"{console}/console/")
    page.select_option("#status", "decided")
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    decided = page.locator("#queue tbody td:nth-child(2)").all_inner_texts()
    assert account in [text.strip() for text in decided]
    assert page.locator(f"#queue tr:has-text('{account}') .d-confirm").count() == 1

    # The audit log holds the view and the decision, and the chain verifies.
    page.goto(f"{console}/console/audit?target={account}")
    with page.expect_navigation():
        page.click("#verify")
    assert "intact" in page.locator("#chain-status").inner_text()
    audit = page.locator("#audit tbody").inner_text()
    assert re.search(r"mod-ann\s+recorded decision\s+" + account, audit)
    assert re.search(r"mod-ann\s+viewed account\s+" + account, audit)
    assert "decision.record" not in audit and re.search(r"score 0\.\d{3}\s", audit)

    # 中文: the switch is remembered; UI strings, reasons and indicators are in Chinese.
    with page.expect_navigation():
        page.click("#lang-zh")
    assert "审计日志" in page.locator("header").inner_text()
    assert "审核员" in page.locator("header .who").inner_text()  # the key's role, in Chinese
    assert "记录处理结论" in page.locator("#audit tbody").inner_text()
    assert "完整" in page.locator("#chain-status").inner_text()
    page.goto(f"{console}/console/accounts/{account}")
    assert page.locator("#reasons h2").inner_text() == "评分原因"
    reason = page.locator("#reasons .bar-text").first.inner_text()
    assert re.search(r"[\u4e00-\u9fff]", reason), reason
    assert page.locator("#indicators .cite").first.inner_text().startswith("依据")

    page.goto(f"{console}/console/?lang=en")
    page.keyboard.press("j")
    page.screenshot(
        path=str(shots / "console_queue.png"), clip={"x": 0, "y": 0, "width": 1360, "height": 540}
    )
    assert (shots / "console_queue.png").stat().st_size > 10_000


def test_moderator_opens_a_network_from_the_networks_tab_then_one_of_its_accounts(
    page: Any, console: str, keys: Keys, shots: Path
) -> None:
    sign_in(page, console, keys.moderator)
    with page.expect_navigation():
        page.click("#nav-networks")
    assert page.url == f"{console}/console/networks"
    # Riskiest network first: by network score (the mean of its riskiest tenth of scores).
    scores = [float(s) for s in page.locator("#networks tbody td:nth-child(2)").all_inner_texts()]
    assert len(scores) > 5 and scores == sorted(scores, reverse=True)
    flagged = [int(n) for n in page.locator("#networks tbody td:nth-child(4)").all_inner_texts()]

    # Keyboard, as in the queue: j moves down the list, Enter opens the network.
    page.keyboard.press("j")
    page.keyboard.press("j")
    selected = page.locator("#networks tbody tr.sel")
    network = selected.locator("td:nth-child(1)").inner_text().strip()
    page.screenshot(
        path=str(shots / "console_networks.png"),
        clip={"x": 0, "y": 0, "width": 1360, "height": 420},
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/console/networks/{network}")
    assert page.locator("h1").inner_text() == network
    assert page.locator("#flagged").inner_text() == str(flagged[1])
    assert page.locator("#network tbody tr").count() >= 2  # tier by tier
    assert page.locator("#flows tbody tr").count() == 6
    assert page.locator("#bands tbody tr").count() == 4
    members = page.locator("#members tbody tr")
    # The root account leads the list (with any likely organizer), then the flagged accounts.
    assert members.count() >= min(flagged[1], 200)
    assert members.first.locator("td.role").inner_text().startswith("root")
    assert page.locator("#root").inner_text() == network
    statuses = members.locator("td:nth-child(7)").all_inner_texts()
    assert set(statuses) <= {"pending", "confirm", "dismiss", "escalate"}
    page.screenshot(
        path=str(shots / "console_network.png"), clip={"x": 0, "y": 0, "width": 1360, "height": 620}
    )

    # One of its flagged accounts, and back to the network from the account's network section.
    first = members.first
    account = first.locator("td:nth-child(2)").inner_text().strip()
    with page.expect_navigation():
        first.locator("a").click()
    assert page.locator("h1").inner_text() == account
    assert page.locator("#network tr.own").count() == 1
    with page.expect_navigation():
        page.click("#network-link")
    assert page.url.endswith(f"/console/networks/{network}")


def test_regulator_reads_but_cannot_decide(
    page: Any, console: str, keys: Keys, targets: dict[str, str]
) -> None:
    sign_in(page, console, keys.regulator)
    account = targets["account"]
    page.fill("#account_id", account)  # regulators get an account lookup instead of the queue
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == account
    assert page.locator("#reasons .bar-row").count() >= 1
    assert page.locator("#decision-form").count() == 0
    assert page.locator("#read-only").is_visible()
    refused = page.request.post(
        f"{console}/console/accounts/{account}/decisions", form={"decision": "confirm"}
    )
    assert refused.status == 403


def test_signed_out_pages_lead_to_the_sign_in_form(page: Any, console: str, keys: Keys) -> None:
    page.goto(f"{console}/console/accounts/A0000001")
    assert page.url == f"{console}/console/login"
    page.fill("#key", keys.revoked)
    page.click("form.login button[type=submit]")
    assert "unknown or revoked" in page.locator(".error").inner_text()
    sign_in(page, console, keys.moderator)
    session = next(c for c in page.context.cookies() if c["name"] == "mlr_console_session")
    with page.expect_navigation():
        page.click("header form button")  # sign out
    assert page.url == f"{console}/console/login"
    page.goto(f"{console}/console/audit")
    assert page.url == f"{console}/console/login"
    page.context.add_cookies([session])  # the old session id, put back: ended in the store
    page.goto(f"{console}/console/audit")
    assert page.url == f"{console}/console/login"


def test_a_forged_decision_is_refused_in_the_browser(
    page: Any, console: str, keys: Keys, targets: dict[str, str]
) -> None:
    sign_in(page, console, keys.moderator2)
    account = targets["matrix_account"]
    page.goto(f"{console}/console/accounts/{account}")
    token = page.locator("#decision-form input[name=csrf_token]").input_value()
    assert len(token) == 64
    url = f"{console}/console/accounts/{account}/decisions"
    # The browser's cookies, but a request no console page would send: without the token,
    # with Origin null (a sandboxed frame, a data: URL), or with no Origin or Referer at all.
    no_token = page.request.post(url, form={"decision": "dismiss"}, headers={"Origin": console})
    null_origin = page.request.post(
        url, form={"decision": "dismiss", "csrf_token": token}, headers={"Origin": "null"}
    )
    bare = page.request.post(url, form={"decision": "dismiss", "csrf_token": token})
    assert (no_token.status, null_origin.status, bare.status) == (403, 403, 403)
    page.goto(f"{console}/console/accounts/{account}")
    assert page.locator("#decision-form").count() == 1  # still signed in: nothing recorded


@pytest.mark.parametrize("width", [1280, 1440])
def test_pages_fit_the_window_after_a_long_note(
    page: Any, console: str, keys: Keys, targets: dict[str, str], width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, console, keys.moderator2)
    account = targets["unexplained"]  # no other test decides on it
    page.goto(f"{console}/console/accounts/{account}")
    page.check("input[name=decision][value=escalate]")
    page.fill("#note", "证据" * 40 + "x" * 300 + " https://example.org/" + "a" * 200)
    with page.expect_navigation():
        page.click("#decision-form button[type=submit]")
    with page.expect_navigation():
        page.click("#confirm-button")
    network = targets["network"]
    for path in (
        f"/console/accounts/{account}",
        f"/console/audit?target={account}",
        "/console/audit",
        "/console/",
        "/console/?order=score&band=any",
        f"/console/networks/{network}",
        "/console/networks",
        "/console/runs",
        "/console/?lang=zh",
        f"/console/accounts/{account}?lang=zh",
    ):
        page.goto(f"{console}{path}")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{path} is {wide} px wide at {width}"
    page.goto(f"{console}/console/runs?lang=zh")
    runs = page.locator("table.runs tbody").inner_text()
    assert "已发布" in runs and "published" not in runs
