"""The console writes every score as the regulator report does (score_text of
risk.service.accounts)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from api.console.routes import PAGE_SIZE
from risk.service.accounts import score_text
from tests.api.conftest import Keys, bearer
from tests.api.test_console_pages import signed_in
from tests.api.test_console_server import console_fixture  # noqa: F401  (fixture "console")

pytestmark = pytest.mark.slow


@pytest.fixture
def moderator(console: str, keys: Keys) -> Iterator[httpx.Client]:
    """A client signed in to the console as a moderator."""
    with httpx.Client(base_url=console, timeout=30, follow_redirects=False) as client:
        signed_in(client, keys.moderator)
        client.follow_redirects = True
        yield client


def test_queue_and_account_pages_cut_scores_to_three_decimals(
    moderator: httpx.Client, http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    api = http.get(
        "/v1/queue", params={"status": "all", "limit": 1000}, headers=bearer(keys.moderator)
    ).json()
    scores = {item["account_id"]: item["score"] for item in api["items"]}
    # A page holding a score that rounding would write differently (e.g. 0.9996 as 1.000).
    first = next(i for i, s in enumerate(scores.values()) if f"{s:.3f}" != score_text(s))
    page_number = first // PAGE_SIZE + 1
    page = moderator.get("/console/", params={"status": "all", "page": page_number}).text
    shown = dict(re.findall(r'>([^<>]+)</a></td>\s*<td class="num score">([^<]+)</td>', page))
    assert len(shown) == PAGE_SIZE
    assert shown == {account: score_text(scores[account]) for account in shown}

    account = http.get(f"/v1/accounts/{targets['account']}", headers=bearer(keys.moderator))
    record = account.json()
    page = moderator.get(f"/console/accounts/{targets['account']}").text
    assert f'id="score">{score_text(record["score"])}</span>' in page
    network = http.get(f"/v1/networks/{record['network_id']}", headers=bearer(keys.moderator))
    means = re.findall(r'<td class="num mean-score">([^<]+)</td>', page)
    assert means == [score_text(tier["mean_score"]) for tier in network.json()["tiers"]]
