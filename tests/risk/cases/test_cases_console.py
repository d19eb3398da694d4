"""The case pages over real HTTP (no browser): list, case page evidence first, EN and ZH."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.console_forms import console_post, console_sign_in
from tests.risk.cases.http_world import Served, served

__all__ = ["served"]


@contextmanager
def _console(served: Served, name: str) -> Iterator[httpx.Client]:
    """A console session signed in with ``name``'s key."""
    with httpx.Client(base_url=served.url, follow_redirects=False, timeout=60) as client:
        signed_in = console_sign_in(client, served.keys[name])
        assert signed_in.status_code == 303
        yield client


def test_claim_and_read_a_case_in_the_console(served: Served) -> None:
    with _console(served, "mod-ann") as ann:
        listed = ann.get("/console/cases")
        assert listed.status_code == 200 and listed.text.count('class="case-row') == 6
        claimed = console_post(ann, "/console/cases/next")
        assert claimed.status_code == 303
        case_page = ann.get(claimed.headers["location"])
        html = case_page.text
        assert case_page.status_code == 200
        # Evidence first: the picture, the timeline, the reasons, the indicators, then forms.
        order = [
            html.index(f'id="{part}"')
            for part in (
                "network-picture",
                "timeline",
                "principal-reasons",
                "legal-indicators",
                "decide-case",
            )
        ]
        assert order == sorted(order)
        assert html.count('class="tier-row"') == 3 and 'class="flagged"' in html
        assert html.count("<circle") == 3
        assert 'data-code="recruits_30d"' in html and 'data-reference="1.0"' in html
        assert html.count("<li data-code") <= 4
        zh = ann.get(claimed.headers["location"], params={"lang": "zh"}).text
        assert "网络层级图" in zh and "审核中" in zh and "处理本案件" in zh
    with _console(served, "reg-bo") as regulator:
        assert regulator.get("/console/cases").status_code == 200
        assert console_post(regulator, "/console/cases/next").status_code == 403
        page = regulator.get(claimed.headers["location"]).text
        assert 'id="decision-form"' not in page


def test_a_refused_decision_keeps_what_the_moderator_typed(served: Served) -> None:
    with _console(served, "mod-ann") as ann:
        where = console_post(ann, "/console/cases/next").headers["location"]
        network = ann.get(where).text.split('name="decision:')[1].split("-a")[0]
        form = {
            f"decision:{network}-a0": "confirm",
            f"action:{network}-a0": "terminate",
            f"decision:{network}-a1": "dismiss",
            f"action:{network}-a1": "warn",  # an action needs confirm: refused
            f"decision:{network}-a2": "dismiss",
            "ground_kind": "terms",
            "legal_ground": "Seller terms 4.2",
            "statement": "拉人头收费，三级返佣",
        }
        refused = console_post(ann, f"{where}/decision", form)
        assert refused.status_code == 422
        html = refused.text
        assert 'id="decision-problem"' in html and "an action needs the decision confirm" in html
        assert "拉人头收费，三级返佣</textarea>" in html and 'value="Seller terms 4.2"' in html
        assert '<option value="terminate" selected>' in html
        assert '<option value="terms" selected>' in html
        assert (
            served.as_["lead-eve"].get(f"/v1/cases/{where.rsplit('/', 1)[1]}").json()["proposals"]
            == []
        )
