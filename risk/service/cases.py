"""Case work for the API and the CLI: open (after a scoring run, or by hand), list, read, claim,
release, reassign, decide (four eyes), close, appeal. Functions take keyword-only arguments and
know nothing of HTTP."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from risk.cases import appeals, assignment, decisions, opening, qa, reading, transparency
from risk.cases.decisions import Outcome as Outcome
from risk.cases.decisions import Proposal as Proposal
from risk.cases.history import case_target
from risk.cases.qa import QaAssignment as QaAssignment
from risk.cases.qa import QaResult as QaResult
from risk.cases.reading import CaseQuery as CaseQuery
from risk.cases.records import AppealRecord as AppealRecord
from risk.cases.records import CaseDetail as CaseDetail
from risk.cases.records import CasePage, CaseSync
from risk.cases.records import CaseRecord as CaseRecord
from risk.cases.records import ProposalRecord as ProposalRecord
from risk.service.case_units import run_branch_heads, run_downline
from risk.settings import Settings
from risk.store.audit import append_audit
from risk.store.db import open_store
from risk.store.runs import get_run, latest_published_run
from risk.vocab import CaseUnit


def sync_cases_after_run(*, engine: Engine, settings: Settings, run_id: str | None) -> CaseSync:
    """After a published run (``None``: the latest): open and update the cases of its flagged
    scheme units (networks, or branches where one branch holds all the flagged accounts)."""
    run = latest_published_run(engine) if run_id is None else get_run(engine, run_id)
    return opening.sync_run_cases(
        engine,
        run_id=run_id,
        sla_hours=settings.case_sla_hours,
        branch_head=run_branch_heads(run),
    )


def sync_cases_of_published_run(*, settings: Settings, run_id: str) -> CaseSync:
    """The nightly job's step after publishing: open and update its cases on the store."""
    engine = open_store(settings.store_url)
    try:
        return sync_cases_after_run(engine=engine, settings=settings, run_id=run_id)
    finally:
        engine.dispose()


def open_case(
    *, engine: Engine, settings: Settings, account_id: str, unit_kind: CaseUnit, actor: str
) -> CaseDetail:
    """A moderator opens a case from an account (its network, or the branch it heads)."""
    downline = (
        run_downline(latest_published_run(engine), account_id)
        if unit_kind == "branch"
        else frozenset()
    )
    case_id = opening.open_case_by_hand(
        engine,
        account_id=account_id,
        unit_kind=unit_kind,
        actor=actor,
        sla_hours=settings.case_sla_hours,
        downline=downline,
    )
    return reading.get_case(engine, case_id)


def list_cases(*, engine: Engine, query: CaseQuery) -> CasePage:
    """A page of cases matching the filters, most urgent first."""
    return reading.list_cases(engine, query)


def get_case(*, engine: Engine, case_id: int, actor: str) -> CaseDetail:
    """One case with its accounts, history, proposals, actions and appeals (the view audited,
    like an account's: it shows people's scores)."""
    detail = reading.get_case(engine, case_id)
    append_audit(engine, actor=actor, action="case.view", target=case_target(case_id))
    return detail


def case_account_roles(*, engine: Engine, case_id: int) -> dict[str, str | None]:
    """Each account of the case and its likely role."""
    return reading.case_roles(engine, case_id)


def claim_next_case(*, engine: Engine, actor: str) -> CaseRecord | None:
    """Assign the caller the most urgent unassigned case (None when the pool is empty)."""
    return assignment.claim_next(engine, actor=actor)


def release_case(*, engine: Engine, case_id: int, actor: str, is_lead: bool) -> CaseRecord:
    """Put a case back in the pool (its assignee or a lead)."""
    return assignment.release(engine, case_id=case_id, actor=actor, is_lead=is_lead)


def reassign_case(*, engine: Engine, case_id: int, actor: str, assignee: str) -> CaseRecord:
    """A lead gives a case to another moderator."""
    return assignment.reassign(engine, case_id=case_id, actor=actor, assignee=assignee)


def close_case(*, engine: Engine, case_id: int, actor: str, is_lead: bool) -> CaseRecord:
    """Close a decided case (its assignee or a lead)."""
    return assignment.close(engine, case_id=case_id, actor=actor, is_lead=is_lead)


def propose_decision(
    *, engine: Engine, settings: Settings, case_id: int, actor: str, proposal: Proposal
) -> ProposalRecord:
    """The assignee's decision for the case: applied at once, or waiting for a lead."""
    return decisions.propose(
        engine,
        case_id=case_id,
        actor=actor,
        proposal=proposal,
        qa_share=settings.qa_sample_share,
    )


def approve_proposal(
    *, engine: Engine, settings: Settings, proposal_id: int, actor: str, note: str | None
) -> ProposalRecord:
    """A lead other than the proposer approves: decisions and actions take effect."""
    return decisions.approve(
        engine, proposal_id=proposal_id, actor=actor, note=note, qa_share=settings.qa_sample_share
    )


def reject_proposal(
    *, engine: Engine, proposal_id: int, actor: str, note: str | None
) -> ProposalRecord:
    """A lead other than the proposer sends the case back to its assignee."""
    return decisions.reject(engine, proposal_id=proposal_id, actor=actor, note=note)


def file_appeal(
    *, engine: Engine, settings: Settings, action_id: int, actor: str, grounds: str
) -> AppealRecord:
    """File an appeal for the seller against an action, within the configured window."""
    return appeals.file_appeal(
        engine,
        action_id=action_id,
        actor=actor,
        grounds=grounds,
        window_days=settings.appeal_window_days,
    )


def decide_appeal(
    *, engine: Engine, appeal_id: int, actor: str, outcome: str, reasons: str
) -> AppealRecord:
    """Uphold or overturn an appeal (not by whoever decided or approved the action)."""
    return appeals.decide_appeal(
        engine, appeal_id=appeal_id, actor=actor, outcome=outcome, reasons=reasons
    )


def case_work_figures(
    *, engine: Engine, since: datetime | None, until: datetime | None
) -> dict[str, Any]:
    """The period's DSA Art. 15 figures from case work (actions, decisions, SLA, appeals)."""
    return transparency.case_work_figures(engine, since=since, until=until)


def sla_breaches(*, engine: Engine) -> dict[str, dict[str, int]]:
    """Per priority: cases that missed their due time so far, and those still waiting past it."""
    return transparency.sla_breaches(engine)


def actions_for_statements(
    *, engine: Engine, since: datetime | None, until: datetime | None
) -> list[dict[str, Any]]:
    """The period's enforcement actions, for the statements of reasons."""
    return transparency.actions_for_statements(engine, since=since, until=until)


def next_qa_review(*, engine: Engine, actor: str) -> QaAssignment | None:
    """The caller's blind QA review of a case someone else decided (None: nothing to review)."""
    return qa.next_review(engine, actor=actor)


def submit_qa_review(
    *, engine: Engine, qa_id: int, actor: str, outcomes: Mapping[str, str]
) -> QaResult:
    """The QA reviewer's decision per account, compared with the applied one."""
    return qa.submit_review(engine, qa_id=qa_id, actor=actor, outcomes=outcomes)


def qa_sample(*, engine: Engine, limit: int = 200) -> list[dict[str, Any]]:
    """The blind QA sample as a lead follows it (newest first, no outcomes)."""
    return qa.sample_log(engine, limit=limit)


def qa_agreement(*, engine: Engine) -> list[dict[str, Any]]:
    """Agreement per moderator from the QA reviews done."""
    return qa.agreement(engine)
