"""The console's case page, evidence first: the network by tier (and where the case's accounts
sit), the recruitment timeline, at most four principal reasons of the case's riskiest account
with the legitimate peers' value, its legal indicators, then the history and decisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from risk.cases import reading
from risk.cases.reading import TimelinePoint
from risk.cases.records import CaseAccountRecord, CaseDetail
from risk.errors import StoreNotFoundError
from risk.service.accounts import account_view
from risk.service.cases import get_case
from risk.service.networks import NetworkCase, NetworkViewCache, network_case
from risk.service.runs import RunCache
from risk.store.records import StoredReason
from risk.vocab import Lang

PRINCIPAL_REASONS = 4  # research on analysts: more reasons add confidence, not accuracy


@dataclass(frozen=True)
class CaseEvidence:
    """Everything the case page shows, in the order it shows it."""

    detail: CaseDetail
    network: NetworkCase | None  # None for a branch, or a network the latest run lacks
    case_tiers: dict[int, int]  # the case's accounts per tier
    timeline: list[TimelinePoint]
    lead_account: CaseAccountRecord | None  # the riskiest account: its reasons are shown
    reasons: list[StoredReason]
    indicators: list[dict[str, Any]]


def _tiers(accounts: list[CaseAccountRecord]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for account in accounts:
        if account.tier is not None:
            counts[account.tier] = counts.get(account.tier, 0) + 1
    return counts


def case_evidence(
    *,
    engine: Engine,
    case_id: int,
    actor: str,
    lang: Lang,
    runs: RunCache,
    networks: NetworkViewCache,
) -> CaseEvidence:
    """The case page's content (the case, its network and its lead account views audited)."""
    detail = get_case(engine=engine, case_id=case_id, actor=actor)
    network = None
    if detail.case.unit_kind == "network" and detail.case.network_id is not None:
        try:
            network = network_case(
                engine=engine, network_id=detail.case.network_id, actor=actor, cache=networks
            )
        except StoreNotFoundError:
            network = None
    lead = detail.accounts[0] if detail.accounts else None  # ordered by score
    reasons: list[StoredReason] = []
    indicators: list[dict[str, Any]] = []
    if lead is not None:
        try:
            view = account_view(
                engine=engine, account_id=lead.account_id, actor=actor, runs=runs, lang=lang
            )
            # The ones raising the score, strongest first as the run stored them.
            raising = [r for r in view.reasons if (r.get("contribution") or 0.0) >= 0]
            reasons = raising[:PRINCIPAL_REASONS]
            indicators = list(view.indicators)
        except StoreNotFoundError:
            pass
    return CaseEvidence(
        detail=detail,
        network=network,
        case_tiers=_tiers(detail.accounts),
        timeline=reading.case_timeline(engine, case_id),
        lead_account=lead,
        reasons=reasons,
        indicators=indicators,
    )
