"""The case pages over real HTTP (no browser): list, case page evidence first, EN and ZH."""

from __future__ import annotations

import html as html_text
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from risk.cases.opening import sync_run_cases
from risk.cases.reading import CaseQuery, list_cases
from tests.console_forms import console_post, console_sign_in
from tests.risk.cases.http_world import Served, served, served_large
from tests.risk.cases.test_cases_open import SLA, _branchy, world
from tests.risk.conftest import RunWriter

__all__ = ["served", "served_large"]


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
        # money down and up each tier, with the platform's currency (RISK_CURRENCY)
        assert re.search(r"↓ [\d,.]+ CNY ↑ [\d,.]+ CNY", html)
        assert html.count("<circle") == 3
        assert 'data-code="recruits_30d"' in html and 'data-reference="1.0"' in html
        # each reason says which way its value would have to move, towards which median
        hint = re.search(
            r'data-code="recruits_30d".*?class="hint would-change">([^<]*)<', html, re.S
        )
        assert hint is not None
        shown = html_text.unescape(hint.group(1))
        assert shown == "Lower values weigh less here: legitimate sellers' median is 1."
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


def _warn_the_recruiters(ann: httpx.Client, where: str) -> None:
    """Decide the claimed case in the console: organizer and recruiter warned, the rest left."""
    html = ann.get(where).text
    accounts = re.findall(r'name="decision:([^"]+)"', html)
    form: dict[str, str] = {"ground_kind": "terms", "legal_ground": "Seller terms 4.2",
                            "statement": "Recruitment fees paid up three tiers.",
                            "role_decision:participant": "dismiss"}  # fmt: skip
    for account in accounts:
        confirmed = not account.endswith("-a2")
        form[f"decision:{account}"] = "confirm" if confirmed else "dismiss"
        form[f"action:{account}"] = "warn" if confirmed else ""
    assert console_post(ann, f"{where}/decision", form).status_code == 303


def test_a_blind_review_and_agreement_per_moderator_in_the_console(served: Served) -> None:
    with _console(served, "mod-ann") as ann:
        where = console_post(ann, "/console/cases/next").headers["location"]
        _warn_the_recruiters(ann, where)
        assert ann.get("/console/qa").status_code == 403  # the lead's page
        own = console_post(ann, "/console/qa/next")  # never one's own decision
        assert own.status_code == 303
    with _console(served, "mod-dee") as dee:
        review = console_post(dee, "/console/qa/next")
        assert review.status_code == 200 and 'id="qa-review-form"' in review.text
        assert "selected" not in review.text  # blind: no first decision preselected
        qa_id = re.search(r'action="/console/qa/(\d+)"', review.text).group(1)  # type: ignore[union-attr]
        accounts = re.findall(r'name="decision:([^"]+)"', review.text)
        assert len(accounts) == 3
        done = console_post(
            dee, f"/console/qa/{qa_id}", {f"decision:{a}": "confirm" for a in accounts}
        )
        assert done.status_code == 303
    with _console(served, "lead-eve") as eve:
        page = eve.get("/console/qa")
        assert page.status_code == 200
        row = re.search(r'<tr data-moderator="mod-ann">(.*?)</tr>', page.text).group(1)  # type: ignore[union-attr]
        assert "66.7%" in row and ">3<" in row
        assert "mod-dee" in page.text and "2 / 3" in page.text
        zh = eve.get("/console/qa", params={"lang": "zh"}).text
        assert "各审核员的一致率" in zh and "盲审抽样" in zh
    with _console(served, "reg-bo") as regulator:
        assert regulator.get("/console/qa").status_code == 403
        assert console_post(regulator, "/console/qa/next").status_code == 403


def test_webhook_subscriptions_and_retries_in_the_console(served: Served) -> None:
    admin = served.as_["admin-cy"]
    # Nothing listens on the discard port: every send fails and is retried later.
    made = admin.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/hook", "events": ["case.decided"]}
    )
    assert made.status_code == 201
    with _console(served, "mod-ann") as ann:
        _warn_the_recruiters(ann, console_post(ann, "/console/cases/next").headers["location"])
        assert ann.get("/console/webhooks").status_code == 403
    deadline = time.monotonic() + 20
    log: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        log = admin.get(f"/v1/webhooks/{made.json()['id']}/deliveries").json()
        if log and int(log[0]["attempts"]) >= 1:  # type: ignore[call-overload]
            break
        time.sleep(0.1)
    assert log and log[0]["status"] == "pending"
    for name in ("lead-eve", "admin-cy"):
        with _console(served, name) as reader:
            page = reader.get("/console/webhooks")
            assert page.status_code == 200, name
            assert "http://127.0.0.1:9/hook" in page.text and "whsec_" not in page.text
            row = re.search(r'<tr class="delivery status-pending">(.*?)</tr>', page.text)
            assert row is not None and "case decided" in row.group(1)
            assert "waiting to retry" in row.group(1)
            zh = reader.get("/console/webhooks", params={"lang": "zh"}).text
            assert "等待重试" in zh and "案件已决定" in zh


def test_the_decision_form_stays_light_at_5000_accounts(served_large: Served) -> None:
    """One outcome per role, overrides for the flagged accounts only; the server expands it to
    one decision per account, written in one transaction."""
    with _console(served_large, "mod-ann") as ann:
        where = console_post(ann, "/console/cases/next").headers["location"]
        started = time.perf_counter()
        html = ann.get(where).text
        seconds = time.perf_counter() - started
        listed = re.findall(r'name="decision:([^"]+)"', html)
        assert len(listed) == 149  # organizer, 49 recruiters, 99 flagged participants of 4,950
        assert set(re.findall(r'name="role_decision:([^"]+)"', html)) == {
            "organizer",
            "recruiter",
            "participant",
        }
        assert "4,851" in html  # the accounts not listed take their role's outcome
        assert len(html) < 600_000, len(html)
        form = {
            "role_decision:organizer": "confirm", "role_action:organizer": "warn",
            "role_decision:recruiter": "confirm", "role_action:recruiter": "warn",
            "role_decision:participant": "dismiss", "role_action:participant": "",
            "decision:big-a50": "confirm", "action:big-a50": "warn",  # one participant
            "decision:big-a1": "escalate", "action:big-a1": "none",  # one recruiter
            "ground_kind": "terms", "legal_ground": "Seller terms 4.2", "statement": "s",
        }  # fmt: skip
        started = time.perf_counter()
        # (5,000 decision rows and audit entries in one transaction: seconds, more on a busy
        # machine; the timeout is the client's, generous for a shared CI box)
        ann.timeout = httpx.Timeout(300)
        assert console_post(ann, f"{where}/decision", form).status_code == 303
        print(f"decision of 5,000 accounts: {time.perf_counter() - started:.1f} s")
    case_id = int(where.rsplit("/", 1)[1])
    detail = served_large.as_["lead-eve"].get(f"/v1/cases/{case_id}").json()
    assert detail["case"]["state"] == "decided", seconds
    decided = served_large.as_["lead-eve"].get("/v1/decisions", params={"limit": 10_000}).json()
    latest = {d["account_id"]: d["decision"] for d in decided}
    assert len(latest) == 5_000
    assert latest["big-a0"] == "confirm" and latest["big-a1"] == "escalate"
    assert latest["big-a50"] == "confirm" and latest["big-a51"] == "dismiss"
    warned = [a for a in detail["actions"] if a["action"] == "warn"]
    assert len(warned) == 1 + 48 + 1  # organizer, the other recruiters, the one participant


def test_an_absorbed_branch_case_links_to_the_network_case(
    served: Served, publish_scores: RunWriter
) -> None:
    """The branch case closed into a network case names it in its history, and back."""
    frame, heads = _branchy("net-zz")
    sync_run_cases(served.engine, run_id=publish_scores(frame), sla_hours=SLA, branch_head=heads)
    spread = world({"net-zz": ["low", "high", "high", "critical", "low"]})
    synced = sync_run_cases(
        served.engine, run_id=publish_scores(spread), sla_hours=SLA, branch_head=heads
    )
    (network_case,) = synced.opened
    branch_case = next(
        c.id
        for c in list_cases(served.engine, CaseQuery(limit=200)).items
        if c.unit_kind == "branch" and c.network_id == "net-zz"
    )
    with _console(served, "lead-eve") as eve:
        branch_page = eve.get(f"/console/cases/{branch_case}").text
        network_page = eve.get(f"/console/cases/{network_case}").text
    assert f'<a class="absorbed" href="/console/cases/{network_case}">#{network_case}</a>' in (
        branch_page
    )
    assert f'<a class="absorbed" href="/console/cases/{branch_case}">#{branch_case}</a>' in (
        network_page
    )
