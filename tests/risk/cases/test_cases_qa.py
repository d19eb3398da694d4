"""Reviewer QA on SQLite and PostgreSQL: the sample, the blind review, agreement per
moderator, and the figures regulators get."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from risk.cases.assignment import claim_next
from risk.cases.decisions import Outcome, Proposal, propose
from risk.cases.errors import CaseStateError, FourEyesError
from risk.cases.opening import sync_run_cases
from risk.cases.qa import agreement, next_review, sampled, submit_review
from risk.cases.transparency import case_work_figures
from risk.errors import StoreInputError
from tests.risk.cases.http_world import publish_networks
from tests.risk.cases.test_cases_open import SLA
from tests.risk.conftest import RunWriter


def test_the_sample_takes_about_its_share_and_is_stable() -> None:
    picks = [sampled(case, 1, 0.1) for case in range(1, 5001)]
    assert 0.08 < sum(picks) / len(picks) < 0.12
    assert picks == [sampled(case, 1, 0.1) for case in range(1, 5001)]
    assert not any(sampled(case, 1, 0.0) for case in range(100))
    assert all(sampled(case, 1, 1.0) for case in range(100))


def _decide_two_cases(store_engine: Engine, publish_scores: RunWriter) -> None:
    publish_networks(publish_scores, 2)
    sync_run_cases(store_engine, run_id=None, sla_hours=SLA)
    for _ in range(2):
        case = claim_next(store_engine, actor="mod-ann")
        assert case is not None
        outcomes = [
            Outcome(f"{case.unit_id}-a0", "confirm", "warn"),
            Outcome(f"{case.unit_id}-a1", "confirm", None),
            Outcome(f"{case.unit_id}-a2", "dismiss", None),
        ]
        proposal = Proposal(outcomes, None, "terms", "Terms 4.2", "Paid recruiting.")
        propose(store_engine, case_id=case.id, actor="mod-ann", proposal=proposal, qa_share=1.0)


def test_blind_review_and_agreement(store_engine: Engine, publish_scores: RunWriter) -> None:
    _decide_two_cases(store_engine, publish_scores)
    assert next_review(store_engine, actor="mod-ann") is None  # never one's own decisions
    first = next_review(store_engine, actor="mod-dee")
    assert first is not None and len(first.accounts) == 3
    assert all("decision" not in account for account in first.accounts)  # blind
    assert next_review(store_engine, actor="mod-dee") == first  # the open one comes back
    other = next_review(store_engine, actor="lead-eve")
    assert other is not None and other.id != first.id
    answers = {a["account_id"]: "confirm" for a in first.accounts}  # disagrees on a2
    with pytest.raises(StoreInputError, match="missing"):
        submit_review(store_engine, qa_id=first.id, actor="mod-dee", outcomes={})
    with pytest.raises(CaseStateError, match="not open for lead-eve"):
        submit_review(store_engine, qa_id=first.id, actor="lead-eve", outcomes=answers)
    with pytest.raises(FourEyesError):
        submit_review(store_engine, qa_id=first.id, actor="mod-ann", outcomes=answers)
    result = submit_review(store_engine, qa_id=first.id, actor="mod-dee", outcomes=answers)
    assert (result.compared, result.agreed) == (3, 2)
    same = {a["account_id"]: ("dismiss" if a["role"] == "participant" else "confirm")
            for a in other.accounts}  # fmt: skip
    submit_review(store_engine, qa_id=other.id, actor="lead-eve", outcomes=same)
    assert agreement(store_engine) == [
        {"moderator": "mod-ann", "reviews": 2, "accounts_compared": 6, "agreement": 0.8333}
    ]
    figures = case_work_figures(store_engine, since=None, until=None)
    assert figures["reviewer_agreement"] == {
        "reviews": 2,
        "accounts_compared": 6,
        "agreement": 0.8333,
    }
    assert figures["actions"]["by_type"] == {"warn": 2}
