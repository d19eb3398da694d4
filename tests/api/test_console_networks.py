"""The console's network pages over real HTTP: the list as the API pages it, a network's
flagged accounts with their decisions, links between accounts and networks."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from api.console.networks import NETWORKS_PER_PAGE
from tests.api.conftest import Keys, bearer
from tests.api.test_console_pages import form_token, same_site, signed_in
from tests.api.test_console_server import console_fixture  # noqa: F401  (fixture "console")

pytestmark = pytest.mark.slow
LINKED = r'<a href="/console/{kind}/([^"]+)">'


@pytest.fixture
def moderator(console: str, keys: Keys) -> Iterator[httpx.Client]:
    """A client signed in to the console as a moderator."""
    with httpx.Client(base_url=console, timeout=30, follow_redirects=False) as client:
        signed_in(client, keys.moderator)
        client.follow_redirects = True
        yield client


def test_the_networks_page_lists_what_the_api_lists(
    moderator: httpx.Client, http: httpx.Client, keys: Keys
) -> None:
    for params in ({}, {"band": "critical"}, {"band": "medium", "page": 2}):
        offset = (int(params.get("page", 1)) - 1) * NETWORKS_PER_PAGE
        api = http.get(
            "/v1/networks",
            params={"min_band": params.get("band", "high"), "offset": offset, "limit": 50},
            headers=bearer(keys.moderator),
        ).json()
        page = moderator.get("/console/networks", params=params).text
        shown = re.findall(LINKED.format(kind="networks"), page)
        assert shown == [item["network_id"] for item in api["items"]], params
        assert f"{api['total']} networks" in page
        assert "Network score" in page or not api["items"]
    chinese = moderator.get("/console/networks", params={"lang": "zh"}).text
    assert "高风险待处理" in chinese and "个网络" in chinese


def test_a_network_page_shows_its_flagged_accounts_with_their_decisions(
    moderator: httpx.Client, http: httpx.Client, keys: Keys
) -> None:
    network = http.get(
        "/v1/networks", params={"limit": 1, "offset": 3}, headers=bearer(keys.moderator)
    ).json()["items"][0]["network_id"]
    view = http.get(f"/v1/networks/{network}", headers=bearer(keys.moderator)).json()
    decided = view["flagged_accounts"][-1]["account_id"]
    token = form_token(moderator.get(f"/console/accounts/{decided}").text)
    moderator.post(
        f"/console/accounts/{decided}/decisions",
        data={"decision": "dismiss", "confirmed": "yes", "csrf_token": token},
        headers=same_site(moderator),
    )
    members = http.get(
        "/v1/queue",
        params={"network_id": network, "status": "all", "limit": 1000},
        headers=bearer(keys.moderator),
    ).json()["items"]
    decisions = {m["account_id"]: m["decision"] or "pending" for m in members}
    page = moderator.get(f"/console/networks/{network}").text
    rows = re.findall(r'<tr data-href="/console/accounts/([^"]+)">.*?</tr>', page, re.DOTALL)
    assert rows == [account["account_id"] for account in view["flagged_accounts"]]
    statuses = re.findall(r'<span class="(?:decision d-|)(\w+)">[^<]*</span></td>\s*</tr>', page)
    assert statuses == [decisions[account] for account in rows]
    assert decisions[decided] == "dismiss"
    assert f'id="accounts">{view["accounts"]:,}<' in page and "Money flows" in page
    # Amounts carry the platform's currency (RISK_CURRENCY, default CNY); counts do not.
    flows = re.findall(r'<td class="num money">([^<]+)</td>', page)
    assert flows and all(re.fullmatch(r"-?[\d,]+ CNY", flow) for flow in flows), flows
    assert "Commissions paid up (CNY)" in page or "(CNY)</th>" in page
    assert f'id="accounts">{view["accounts"]:,} CNY<' not in page
    assert f'href="/console/?network={network}&amp;status=all"' in page

    account = moderator.get(f"/console/accounts/{decided}").text
    assert f'id="network-link" href="/console/networks/{network}"' in account
    assert 'id="network-score">0.' in account and 'id="branch-score">0.' in account
    sales = account.split('id="sales"')[1].split("</section>")[0]
    assert re.search(r'<td class="num">[\d,]+ CNY</td>', sales), "sales amounts lack currency"
    missing = moderator.get("/console/networks/no-such-network")
    assert missing.status_code == 404 and "no-such-network" in missing.text


def test_the_network_names_its_root_and_organizer_and_lists_roles_and_the_account_its_role(
    moderator: httpx.Client, http: httpx.Client, keys: Keys
) -> None:
    organizers = http.get(
        "/v1/queue",
        params={"role": "organizer", "status": "all", "order": "score", "limit": 1},
        headers=bearer(keys.moderator),
    ).json()["items"]
    organizer = organizers[0]
    network = organizer["network_id"]
    page = moderator.get(f"/console/networks/{network}").text
    assert f'id="root" href="/console/accounts/{network}">{network}</a>' in page
    named = re.search(r'<span id="organizers">(.*?)</span>', page, re.DOTALL)
    assert named is not None and organizer["account_id"] in named.group(1)
    assert "<th>Likely role</th>" in page
    rows = re.findall(r'<tr data-href="/console/accounts/([^"]+)">(.*?)</tr>', page, re.DOTALL)
    assert rows[0][0] == network and '<b class="root">root</b>' in rows[0][1]
    listed = {account: row for account, row in rows}
    assert "organizer (" in listed[organizer["account_id"]]  # never left off, role shown
    account = moderator.get(f"/console/accounts/{organizer['account_id']}").text
    role = re.search(r'id="role">(.*?)</span>\s*</div>', account, re.DOTALL)
    assert role is not None and role.group(1).startswith("organizer")
    chinese = moderator.get(f"/console/networks/{network}", params={"lang": "zh"}).text
    assert "根账户" in chinese and "可能的组织者" in chinese
