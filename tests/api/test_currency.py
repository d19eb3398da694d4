"""Every amount the API and the regulator report show names its currency (RISK_CURRENCY).

The platform has one currency (DATA_CONTRACT); snapshots do not say which. JSON bodies holding
amounts carry ``currency``; sentences that name an amount (the legal indicators') print the
code after it, in the API, the queue and the report's register (JSON and HTML; the PDF
prints no absolute amount).
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from features.registry import REGISTRY
from tests.api.conftest import Keys, bearer

CURRENCY = "CNY"  # the test server's RISK_CURRENCY (the default)
MONEY = {name for name, spec in REGISTRY.items() if spec.unit == "money"}


def _amount_indicator(items: list[dict[str, Any]]) -> tuple[str, dict[str, Any], float]:
    """(account, indicator, amount) of the first listed indicator whose sentence names an
    amount: a money value in its evidence that its English sentence shows."""
    for item in items:
        for indicator in item.get("indicators") or []:
            for name, value in (indicator.get("evidence") or {}).items():
                if name in MONEY and value is not None and f"{value:,.2f}" in indicator["text"]:
                    return str(item["account_id"]), indicator, float(value)
    raise AssertionError("no listed indicator names an amount")


def test_amounts_in_the_api_name_their_currency(
    http: httpx.Client, keys: Keys, targets: dict[str, str]
) -> None:
    moderator = bearer(keys.moderator)
    network = http.get(f"/v1/networks/{targets['network']}", headers=moderator).json()
    assert network["currency"] == CURRENCY and network["totals"]
    account = http.get(f"/v1/accounts/{targets['account']}", headers=moderator).json()
    assert account["currency"] == CURRENCY
    assert any(f["unit"] == "money" for f in account["key_features"])
    queue = http.get(
        "/v1/queue", params={"band": ["high", "critical"], "limit": 200}, headers=moderator
    ).json()
    account_id, listed, amount = _amount_indicator(queue["items"])
    assert f"{amount:,.2f} {CURRENCY}" in listed["text"]
    shown = http.get(f"/v1/accounts/{account_id}", headers=moderator).json()
    texts = [i["text"] for i in shown["indicators"] if i["rule_id"] == listed["rule_id"]]
    assert texts and f"{amount:,.2f} {CURRENCY}" in texts[0]
    # no amount printed bare: every money value the sentence shows is followed by the code
    bare = re.compile(re.escape(f"{amount:,.2f}") + r"(?! " + CURRENCY + ")")
    assert not bare.search(texts[0])
    zh = http.get(f"/v1/accounts/{account_id}", params={"lang": "zh"}, headers=moderator).json()
    assert any(f"{amount:,.2f} {CURRENCY}" in i["text"] for i in zh["indicators"])


def test_the_report_register_names_the_currency_of_its_amounts(
    http: httpx.Client, keys: Keys
) -> None:
    regulator = bearer(keys.regulator)
    document = http.get("/v1/reports/latest", params={"format": "json"}, headers=regulator)
    assert document.status_code == 200
    register = document.json()["case_register"]
    texts = [i["text"] for case in register for i in case["indicators"]]
    amount = re.compile(r"\d[\d,]*\.\d\d " + CURRENCY)  # the packs print amounts as 1,234.56
    assert any(amount.search(text) for text in texts), "no amount in the register says CNY"
    html = http.get("/v1/reports/latest", params={"format": "html"}, headers=regulator).text
    assert f" {CURRENCY}" in html
    # The PDF prints no absolute amount: its features are ratios free of currency and its
    # register lists indicator numbers, not sentences; the HTML and JSON carry the sentences.
