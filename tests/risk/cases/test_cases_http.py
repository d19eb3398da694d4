"""Case work over real HTTP on SQLite and PostgreSQL: list, read, claim (concurrently),
release, reassign, open by hand."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from risk.report.dsa import validate_statements
from tests.risk.cases.http_world import Served, served
from tests.risk.cases.receiver import receiver

__all__ = ["served"]


def test_concurrent_claims_over_http_never_share_a_case(served: Served) -> None:
    callers = ["mod-ann", "mod-dee"] * 4  # two moderators asking four times each, at once
    barrier = threading.Barrier(len(callers))
    answers: list[httpx.Response] = [httpx.Response(0)] * len(callers)

    def claim(i: int) -> None:
        with httpx.Client(base_url=served.url, headers=served.as_[callers[i]].headers) as c:
            barrier.wait()
            answers[i] = c.post("/v1/cases/next", timeout=60)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(callers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in answers) == [200] * 6 + [204] * 2
    claimed = [(r.json()["id"], callers[i]) for i, r in enumerate(answers) if r.status_code == 200]
    assert len({case_id for case_id, _ in claimed}) == 6
    for case_id, caller in claimed:
        case = served.as_["lead-eve"].get(f"/v1/cases/{case_id}").json()["case"]
        assert case["assignee"] == caller and case["state"] == "in_review"
    mine = served.as_["mod-ann"].get("/v1/cases", params={"mine": True}).json()
    assert {c["id"] for c in mine["items"]} == {i for i, who in claimed if who == "mod-ann"}


def test_list_read_release_reassign(served: Served) -> None:
    ann, dee, eve = served.as_["mod-ann"], served.as_["mod-dee"], served.as_["lead-eve"]
    page = served.as_["reg-bo"].get("/v1/cases", params={"priority": "critical"}).json()
    assert page["total"] == 6 and all(c["state"] == "open" for c in page["items"])
    assert page["items"][0]["accounts"] == 3 and page["items"][0]["overdue"] is False
    claimed = ann.post("/v1/cases/next").json()
    case_id = claimed["id"]
    assert dee.post(f"/v1/cases/{case_id}/release").status_code == 409
    reassigned = dee.post(f"/v1/cases/{case_id}/reassign", json={"assignee": "mod-dee"})
    assert reassigned.status_code == 403
    moved = eve.post(f"/v1/cases/{case_id}/reassign", json={"assignee": "mod-dee"})
    assert moved.status_code == 200 and moved.json()["assignee"] == "mod-dee"
    assert dee.post(f"/v1/cases/{case_id}/release").json()["state"] == "open"
    detail = eve.get(f"/v1/cases/{case_id}").json()
    assert [e["kind"] for e in detail["events"]] == ["opened", "claim", "reassign", "release"]
    assert {a["role"] for a in detail["accounts"]} == {"organizer", "recruiter", "participant"}
    assert eve.get("/v1/cases/99999").status_code == 404
    assert eve.get("/v1/cases", params={"state": "nonsense"}).status_code == 422


def test_open_a_case_by_hand(served: Served) -> None:
    ann = served.as_["mod-ann"]
    existing = ann.post("/v1/cases", json={"account_id": "net-00-a1"})
    assert existing.status_code == 409 and "already has open case" in existing.text
    branch = ann.post("/v1/cases", json={"account_id": "net-00-a1", "unit_kind": "branch"})
    assert branch.status_code == 201
    body = branch.json()
    assert body["case"]["unit_kind"] == "branch" and body["case"]["opened_by"] == "mod-ann"
    assert [a["account_id"] for a in body["accounts"]] == ["net-00-a1"]
    missing = ann.post("/v1/cases", json={"account_id": "nobody"})
    assert missing.status_code == 404
    refused = served.as_["reg-bo"].post("/v1/cases", json={"account_id": "net-00-a1"})
    assert refused.status_code == 403


def _terminate_the_organizer(network: str) -> dict[str, object]:
    """Organizer (a0) terminated, recruiter (a1) warned, participant (a2) left alone."""
    outcomes = [
        {"account_id": f"{network}-{suffix}", "decision": decision, "action": action}
        for suffix, decision, action in (
            ("a0", "confirm", "terminate"),
            ("a1", "confirm", "warn"),
            ("a2", "dismiss", None),
        )
    ]
    return {
        "outcomes": outcomes,
        "ground_kind": "illegal",
        "legal_ground": "禁止传销条例 第七条",
        "statement": "Entry fees paid up three tiers; no sales to consumers.",
    }


def _dismissed_in_monitoring(client: Any) -> int:
    """Decided accounts of the published run that moderators did not confirm (monitoring's
    false positives), over every band."""
    runs = client.get("/v1/monitoring").json()["runs"]
    return sum(b["decided"] - b["confirmed"] for run in runs for b in run["bands"].values())


def test_decide_approve_appeal_overturn_over_http(served: Served) -> None:
    ann, eve, fay = served.as_["mod-ann"], served.as_["lead-eve"], served.as_["lead-fay"]
    case = ann.post("/v1/cases/next").json()
    body = _terminate_the_organizer(case["unit_id"])
    proposed = ann.post(f"/v1/cases/{case['id']}/decision", json=body)
    assert proposed.status_code == 201, proposed.text
    proposal = proposed.json()
    assert proposal["needs_approval"] and proposal["status"] == "pending"
    again = ann.post(f"/v1/cases/{case['id']}/decision", json=body)
    assert again.status_code == 409  # awaiting approval: one proposal at a time
    assert ann.post(f"/v1/proposals/{proposal['id']}/approve", json={}).status_code == 403
    approved = eve.post(f"/v1/proposals/{proposal['id']}/approve", json={"note": "ok"})
    assert approved.status_code == 200 and approved.json()["reviewed_by"] == "lead-eve"
    detail = eve.get(f"/v1/cases/{case['id']}").json()
    assert detail["case"]["state"] == "decided"
    terminated = next(a for a in detail["actions"] if a["action"] == "terminate")
    assert terminated["legal_ground"] == "禁止传销条例 第七条"
    assert terminated["decided_by"] == "mod-ann" and terminated["approved_by"] == "lead-eve"
    filed = ann.post("/v1/appeals", json={"action_id": terminated["id"], "grounds": "误判"})
    assert filed.status_code == 201
    appeal = filed.json()
    judged_by_approver = eve.post(
        f"/v1/appeals/{appeal['id']}/decision", json={"outcome": "overturn", "reasons": "r"}
    )
    assert judged_by_approver.status_code == 403
    dismissed_before = _dismissed_in_monitoring(eve)
    overturned = fay.post(
        f"/v1/appeals/{appeal['id']}/decision",
        json={"outcome": "overturn", "reasons": "Consumer receipts shown."},
    )
    assert overturned.status_code == 200 and overturned.json()["outcome"] == "overturn"
    # the overturn counts as a false positive in monitoring (a dismissal of a flagged account)
    assert _dismissed_in_monitoring(eve) == dismissed_before + 1
    organizer = terminated["account_id"]
    decisions = ann.get("/v1/decisions", params={"account_id": organizer}).json()
    assert [d["decision"] for d in decisions] == ["confirm", "dismiss"]
    after = eve.get(f"/v1/cases/{case['id']}").json()
    assert after["case"]["state"] == "re_decided"
    assert next(a for a in after["actions"] if a["id"] == terminated["id"])["reversed"]
    assert ann.post(f"/v1/cases/{case['id']}/close").json()["state"] == "closed"
    bad = ann.post("/v1/appeals", json={"action_id": terminated["id"], "grounds": ""})
    assert bad.status_code == 422


def test_the_platform_gets_signed_decisions_and_appeals(served: Served) -> None:
    ann, eve, fay = served.as_["mod-ann"], served.as_["lead-eve"], served.as_["lead-fay"]
    admin = served.as_["admin-cy"]
    events = ["case.decided", "action.approved", "appeal.decided"]
    with receiver() as endpoint:
        made = admin.post("/v1/webhooks", json={"url": endpoint.url, "events": events})
        assert made.status_code == 201
        secret, sub_id = made.json()["secret"], made.json()["id"]
        assert "secret" not in admin.get("/v1/webhooks").json()[0]
        assert (
            ann.post("/v1/webhooks", json={"url": endpoint.url, "events": events}).status_code
            == 403
        )
        case = ann.post("/v1/cases/next").json()
        proposal = ann.post(
            f"/v1/cases/{case['id']}/decision", json=_terminate_the_organizer(case["unit_id"])
        ).json()
        eve.post(f"/v1/proposals/{proposal['id']}/approve", json={})
        action = next(
            a
            for a in eve.get(f"/v1/cases/{case['id']}").json()["actions"]
            if a["action"] == "terminate"
        )
        appeal = ann.post("/v1/appeals", json={"action_id": action["id"], "grounds": "g"}).json()
        fay.post(f"/v1/appeals/{appeal['id']}/decision", json={"outcome": "uphold", "reasons": "r"})
        deadline = time.monotonic() + 20
        while len(endpoint.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    got = {r.json["type"]: r for r in endpoint.received}
    assert set(got) == set(events) and all(r.signed_by(secret) for r in endpoint.received)
    decided = got["case.decided"].json["data"]
    terminate = next(a for a in decided["actions"] if a["action"] == "terminate")
    assert terminate["statement_of_reasons"].startswith("Entry fees")
    assert (
        terminate["legal_ground"] == "禁止传销条例 第七条"
        and terminate["approved_by"] == "lead-eve"
    )
    assert got["appeal.decided"].json["data"]["appeal"]["outcome"] == "uphold"
    # The receiver answers before the sender records it: wait for the log to catch up.
    deadline = time.monotonic() + 20
    log = admin.get(f"/v1/webhooks/{sub_id}/deliveries").json()
    while {d["status"] for d in log} != {"delivered"} and time.monotonic() < deadline:
        time.sleep(0.05)
        log = admin.get(f"/v1/webhooks/{sub_id}/deliveries").json()
    assert {d["status"] for d in log} == {"delivered"} and len(log) == 3
    assert all("payload" not in d for d in log)


def test_regulators_get_the_figures_and_statements_of_real_actions(served: Served) -> None:
    ann, eve, dee = served.as_["mod-ann"], served.as_["lead-eve"], served.as_["mod-dee"]
    case = ann.post("/v1/cases/next").json()
    proposal = ann.post(
        f"/v1/cases/{case['id']}/decision", json=_terminate_the_organizer(case["unit_id"])
    ).json()
    eve.post(f"/v1/proposals/{proposal['id']}/approve", json={})
    actions = eve.get(f"/v1/cases/{case['id']}").json()["actions"]
    terminate = next(a for a in actions if a["action"] == "terminate")
    appeal = ann.post("/v1/appeals", json={"action_id": terminate["id"], "grounds": "g"}).json()
    dee.post(f"/v1/appeals/{appeal['id']}/decision", json={"outcome": "overturn", "reasons": "r"})
    report = served.as_["reg-bo"].get("/v1/transparency").json()
    figures = report["figures"]
    assert figures["actions"]["by_type"] == {"terminate": 1, "warn": 1}
    assert figures["actions"]["by_ground"] == {"illegal": 2}
    assert figures["actions"]["approved_by_second_reviewer"] == 2
    assert figures["actions"]["median_hours_flag_to_action"] >= 0
    assert figures["decisions"] == {
        "cases_decided": 1,
        "detected_by_automated_means": 1,
        "opened_by_a_moderator": 0,
        "decided_by_automated_means": 0,
        "decided_by_people": 1,
    }
    assert figures["appeals"]["received"] == 1 and figures["appeals"]["overturned"] == 1
    assert figures["sla"]["breaches"] == 0 and figures["sla"]["cases_due"] == 0
    # One statement: the termination (a warning restricts nothing), from the action's words.
    (statement,) = report["statements"]["statements"]
    assert statement["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    assert statement["illegal_content_legal_ground"] == "禁止传销条例 第七条"
    assert statement["illegal_content_explanation"].startswith("Entry fees")
    assert statement["automated_detection"] == "Yes"
    validate_statements(report["statements"])
    assert served.as_["admin-cy"].get("/v1/transparency").status_code == 403


def test_blind_qa_over_http(served: Served) -> None:
    ann, dee = served.as_["mod-ann"], served.as_["mod-dee"]
    case = ann.post("/v1/cases/next").json()
    warn_only = _terminate_the_organizer(case["unit_id"])
    for outcome in warn_only["outcomes"]:  # type: ignore[attr-defined]
        outcome["action"] = "warn" if outcome["decision"] == "confirm" else None
    assert ann.post(f"/v1/cases/{case['id']}/decision", json=warn_only).status_code == 201
    assert ann.post("/v1/qa/next").status_code == 204  # not one's own decision
    review = dee.post("/v1/qa/next").json()
    assert review["case_id"] == case["id"] and "outcomes" not in review
    outcomes = [{"account_id": a["account_id"], "decision": "confirm"} for a in review["accounts"]]
    done = dee.post(f"/v1/qa/{review['id']}", json={"outcomes": outcomes})
    assert done.status_code == 200 and (done.json()["compared"], done.json()["agreed"]) == (3, 2)
    shown = served.as_["reg-bo"].get("/v1/qa/agreement").json()
    assert shown == [
        {"moderator": "mod-ann", "reviews": 1, "accounts_compared": 3, "agreement": 0.6667}
    ]


def test_sla_breaches_are_scraped_from_metrics(served: Served) -> None:
    """A case past its due time counts as a breach and as overdue in /metrics; deciding it
    late keeps the breach and ends the overdue."""
    from datetime import timedelta

    from prometheus_client.parser import text_string_to_metric_families
    from sqlalchemy import update

    from risk.store.schema import cases_table
    from risk.store.types import utcnow

    def scraped() -> dict[tuple[str, str], float]:
        text = httpx.get(f"{served.url}/metrics").text
        return {
            (sample.name, sample.labels.get("priority", "")): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name in ("risk_case_sla_breaches_total", "risk_cases_overdue")
        }

    assert scraped()[("risk_case_sla_breaches_total", "critical")] == 0
    ann = served.as_["mod-ann"]
    case = ann.post("/v1/cases/next").json()
    with served.engine.begin() as connection:
        connection.execute(
            update(cases_table)
            .where(cases_table.c.id == case["id"])
            .values(due_at=utcnow() - timedelta(hours=1))
        )
    late = scraped()
    assert late[("risk_case_sla_breaches_total", case["priority"])] == 1
    assert late[("risk_cases_overdue", case["priority"])] == 1
    warn_only = _terminate_the_organizer(case["unit_id"])
    for outcome in warn_only["outcomes"]:  # type: ignore[attr-defined]
        outcome["action"] = "warn" if outcome["decision"] == "confirm" else None
    assert ann.post(f"/v1/cases/{case['id']}/decision", json=warn_only).status_code == 201
    decided = scraped()
    assert decided[("risk_case_sla_breaches_total", case["priority"])] == 1
    assert decided[("risk_cases_overdue", case["priority"])] == 0
