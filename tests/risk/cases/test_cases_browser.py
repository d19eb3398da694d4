"""Case work in a real headless Chromium: two moderators and a lead. Claim, read the network
picture, propose an action, get it approved, see the webhook delivered, file and decide an
appeal; the same case in Chinese."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_console_browser import CHROMIUM_ARGS, VIEWPORT, browser, shots, sign_in
from tests.risk.cases.http_world import Served, served
from tests.risk.cases.receiver import receiver

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["CHROMIUM_ARGS", "browser", "served", "shots"]


@pytest.fixture
def pages(browser: Any) -> Iterator[dict[str, Any]]:
    """One browser context (its own cookies) per person."""
    contexts = {
        name: browser.new_context(viewport=VIEWPORT, locale="en-US")
        for name in ("mod-ann", "mod-dee", "lead-eve")
    }
    for context in contexts.values():
        context.set_default_timeout(15_000)
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


def _claim(page: Any, served: Served) -> str:
    page.goto(f"{served.url}/console/cases")
    with page.expect_navigation():
        page.click("#claim-next")
    return str(page.locator("#case-id").inner_text())


def test_two_moderators_and_a_lead_work_a_case(
    served: Served, pages: dict[str, Any], shots: Path
) -> None:
    ann, dee, eve = pages["mod-ann"], pages["mod-dee"], pages["lead-eve"]
    for name, page in pages.items():
        sign_in(page, served.url, served.keys[name])
    with receiver() as endpoint:
        hooked = served.as_["admin-cy"].post(
            "/v1/webhooks", json={"url": endpoint.url, "events": ["action.approved"]}
        )
        assert hooked.status_code == 201
        case_ann, case_dee = _claim(ann, served), _claim(dee, served)
        assert case_ann != case_dee  # never the same case
        # Evidence first: the network picture with flagged members, the timeline, reasons.
        assert ann.locator("#icicle .tier-row").count() == 3
        assert ann.locator("#icicle rect.flagged").count() >= 1
        assert ann.locator("#timeline circle").count() == 3
        assert 1 <= ann.locator("#principal-reasons li").count() <= 4
        if served.engine.dialect.name == "sqlite":
            ann.screenshot(path=str(shots / "console_case.png"), full_page=True)
        # Propose: terminate the organizer (a0) -> waits for a lead.
        organizer = ann.locator("select[name^='action:'][name$='-a0']")
        organizer.select_option("terminate")
        ann.fill("#legal-ground", "禁止传销条例 第七条")
        ann.fill("#statement", "Entry fees paid up three tiers; no consumer sales.")
        with ann.expect_navigation():
            ann.click("#submit-decision")
        assert ann.locator("#case-state").get_attribute("data-state") == "awaiting_approval"
        assert ann.locator("#proposals .approve").count() == 0  # not a lead, not for self
        # The lead approves.
        eve.goto(f"{served.url}/console/cases/{case_ann}")
        with eve.expect_navigation():
            eve.click("#proposals .approve")
        assert eve.locator("#case-state").get_attribute("data-state") == "decided"
        assert eve.locator(".action-row[data-action=terminate]").count() == 1
        deadline = time.monotonic() + 20
        while not endpoint.received and time.monotonic() < deadline:
            time.sleep(0.05)
    (delivered,) = endpoint.received
    assert delivered.signed_by(hooked.json()["secret"])
    assert delivered.json["data"]["case"]["id"] == int(case_ann)
    # Ann files the seller's appeal; Dee (neither decider nor approver) overturns it.
    ann.goto(f"{served.url}/console/cases/{case_ann}")
    ann.fill(".action-row[data-action=terminate] input[name=grounds]", "I sell to consumers")
    with ann.expect_navigation():
        ann.click(".action-row[data-action=terminate] button")
    assert ann.locator("#case-state").get_attribute("data-state") == "appealed"
    dee.goto(f"{served.url}/console/cases/{case_ann}")
    dee.select_option(".judge-form select[name=outcome]", "overturn")
    dee.fill(".judge-form input[name=reasons]", "Receipts from 40 consumers")
    with dee.expect_navigation():
        dee.click(".judge-form button")
    assert dee.locator("#case-state").get_attribute("data-state") == "re_decided"
    assert dee.locator(".action-row[data-action=terminate]").get_attribute("data-reversed") == "yes"
    # The lead reads it in Chinese.
    eve.goto(f"{served.url}/console/cases/{case_ann}?lang=zh")
    assert "已复议" in eve.locator("#case-state").inner_text()
    assert "网络层级图" in eve.locator("#network-picture h2").inner_text()
    # Dee takes the blind QA review of Ann's decision from the Cases page and submits it.
    dee.goto(f"{served.url}/console/cases")
    with dee.expect_navigation():
        dee.click("#qa-next")
    assert dee.locator("#qa-review-form select").count() == 3
    with dee.expect_navigation():
        dee.click("#qa-submit")
    # The lead reads the QA page and the webhook log, in English, no horizontal scroll.
    for path, shot in (
        ("/console/qa", "console_qa.png"),
        ("/console/webhooks", "console_webhooks.png"),
    ):
        eve.goto(f"{served.url}{path}?lang=en")
        for width in (1280, 1440):
            eve.set_viewport_size({"width": width, "height": 900})
            wide = eve.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, (path, width, wide)
        if served.engine.dialect.name == "sqlite":
            eve.screenshot(path=str(shots / shot), full_page=True)
    eve.goto(f"{served.url}/console/qa")
    assert eve.locator("#qa-agreement tr[data-moderator=mod-ann]").count() == 1
    eve.goto(f"{served.url}/console/webhooks")
    assert eve.locator("tr.delivery.status-delivered").count() == 1
