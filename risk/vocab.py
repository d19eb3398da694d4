"""The shared words of the application: bands, decisions, roles, languages, run statuses, and
the features people read about an account (each scoring run stores their population
percentiles; the account views show them).

Every other module of ``risk/`` and ``api/`` takes these names from here. The words the model
itself produces (band names, scheme roles, languages of its reasons) are defined once in
``models`` (which cannot import ``risk``) and re-exported here, so there is still one
definition of each and one place to import it from.
"""

from __future__ import annotations

from typing import Literal, get_args

from models.vocab import ACTIONABLE_ROLES, BAND_NAMES, LANGS, SCHEME_ROLES, Band, Lang, SchemeRole

__all__ = [
    "ACTIONABLE_ROLES",
    "ADMIN_ROLE",
    "APPEAL_OUTCOMES",
    "BAND_NAMES",
    "CASE_PRIORITIES",
    "CASE_STATES",
    "CASE_UNITS",
    "DECISIONS",
    "DECISION_CONSEQUENCES",
    "DECISION_LABELS",
    "DECISION_STATUSES",
    "ENFORCEMENT_ACTIONS",
    "EXPLAINED_BANDS",
    "FLAGGED_BANDS",
    "GROUND_KINDS",
    "KEY_FEATURES",
    "KEY_ROLES",
    "LANGS",
    "MAX_OFFSET",
    "MAX_ROW_ID",
    "PROPOSAL_STATUSES",
    "QUEUE_ORDERS",
    "QUEUE_REASONS",
    "RUN_STATUSES",
    "SALES_FEATURES",
    "SCHEME_ROLES",
    "SHOWN_FEATURES",
    "SINGLE_EYE_ACTIONS",
    "WEBHOOK_EVENTS",
    "AppealOutcome",
    "Band",
    "CaseState",
    "CaseUnit",
    "Decision",
    "DecisionStatus",
    "EnforcementAction",
    "GroundKind",
    "KeyRole",
    "Lang",
    "ProposalStatus",
    "QueueOrder",
    "QueueReason",
    "RunStatus",
    "SchemeRole",
    "WebhookEvent",
]

# Reasons and the likely role are stored for these bands (explaining every account costs minutes).
EXPLAINED_BANDS: tuple[Band, ...] = ("medium", "high", "critical")
# A network with an account in one of these bands is flagged (a case for moderators).
FLAGGED_BANDS: tuple[Band, ...] = ("high", "critical")

Decision = Literal["confirm", "dismiss", "escalate"]
DECISIONS: tuple[Decision, ...] = get_args(Decision)
# What a decision does to the account, as moderators are told before recording it and as the
# regulator report lists it.
DECISION_CONSEQUENCES: dict[Decision, dict[Lang, str]] = {
    "confirm": {
        "en": "account suspended; statement of reasons issued",
        "zh": "暂停账户；已出具处理理由说明",
    },
    "dismiss": {"en": "no action; flag cleared", "zh": "不采取措施；解除标记"},
    "escalate": {"en": "referred for senior / legal review", "zh": "提交上级或法务复核"},
}
# What a decision teaches the model: escalate is "not sure yet" and labels nothing.
DECISION_LABELS: dict[Decision, int] = {"confirm": 1, "dismiss": 0}
DecisionStatus = Literal["pending", "decided", "all"]  # the queue's filter on decisions
DECISION_STATUSES: tuple[DecisionStatus, ...] = get_args(DecisionStatus)
# The queue's orders: organizers and recruiters of the riskiest networks first, a few per
# network at a time (priority, the default), or the pure score order.
QueueOrder = Literal["priority", "score"]
QUEUE_ORDERS: tuple[QueueOrder, ...] = get_args(QueueOrder)

# Why an account is in the review queue: its risk (the default order), or an exploration draw.
QueueReason = Literal["risk", "exploration"]
QUEUE_REASONS: tuple[QueueReason, ...] = get_args(QueueReason)

# Who holds an API key (not to be confused with an account's role in a scheme). A lead is a
# moderator who also assigns cases, approves actions (four eyes) and reviews quality.
KeyRole = Literal["moderator", "lead", "regulator", "admin"]
KEY_ROLES: tuple[KeyRole, ...] = get_args(KeyRole)
# The furthest row a list page may start at (beyond: 422, never a database overflow).
MAX_OFFSET = 1_000_000_000
# The largest row id the store holds (a signed 64-bit integer): a larger one is a 422, not a 500.
MAX_ROW_ID = 2**63 - 1
# The role that manages keys: the store never lets its last active key be revoked.
ADMIN_ROLE: KeyRole = "admin"

# Cases (risk/cases): a network or a branch judged as one scheme.
CaseUnit = Literal["network", "branch"]
CASE_UNITS: tuple[CaseUnit, ...] = get_args(CaseUnit)
CaseState = Literal[
    "open", "in_review", "awaiting_approval", "decided", "appealed", "re_decided", "closed"
]
CASE_STATES: tuple[CaseState, ...] = get_args(CaseState)
# A case's priority is the highest band among its accounts; the SLA follows it.
CASE_PRIORITIES: tuple[Band, ...] = ("critical", "high", "medium")
# What the platform did to an account (or a whole network), least to most severe.
EnforcementAction = Literal[
    "warn", "restrict_recruiting", "hold_payouts", "suspend", "terminate", "refer"
]
ENFORCEMENT_ACTIONS: tuple[EnforcementAction, ...] = get_args(EnforcementAction)
# The one action a moderator takes alone on an organizer or recruiter (four eyes beyond it).
SINGLE_EYE_ACTIONS: tuple[EnforcementAction, ...] = ("warn",)
# DSA Art. 17(3)(d)/(e): the action rests on the law (illegal) or on the platform's terms.
GroundKind = Literal["illegal", "terms"]
GROUND_KINDS: tuple[GroundKind, ...] = get_args(GroundKind)
ProposalStatus = Literal["pending", "approved", "rejected"]
PROPOSAL_STATUSES: tuple[ProposalStatus, ...] = get_args(ProposalStatus)
# What the platform may subscribe to (webhooks).
WebhookEvent = Literal["case.opened", "case.decided", "action.approved", "appeal.decided"]
WEBHOOK_EVENTS: tuple[WebhookEvent, ...] = get_args(WebhookEvent)
AppealOutcome = Literal["uphold", "overturn"]
APPEAL_OUTCOMES: tuple[AppealOutcome, ...] = get_args(AppealOutcome)

RunStatus = Literal["running", "published", "failed"]
RUN_STATUSES: tuple[RunStatus, ...] = get_args(RunStatus)

# The handful of signals a moderator reads first (the API's account view): structure,
# recruiting, where sales go, money.
KEY_FEATURES: tuple[str, ...] = (
    "tier",
    "direct_recruits",
    "downline_size",
    "recruits_30d",
    "consumer_sales_share",
    "downline_sales_amount",
    "stock_purchases_amount",
    "sell_through_ratio",
    "entry_fee",
    "recruitment_commission_share",
    "income_from_downline_share",
    "downline_churn_share",
    "network_size",
)
# The console's orders-and-sales summary: what the scoring run kept about the account's orders
# (the raw orders are not in the store).
SALES_FEATURES: tuple[str, ...] = (
    "consumer_sales_amount",
    "downline_sales_amount",
    "agent_sales_amount",
    "consumer_sales_share",
    "stock_purchases_amount",
    "stock_purchase_count",
    "sell_through_ratio",
    "unique_consumers",
    "repeat_consumer_share",
    "top_consumer_share",
    "refund_share",
)
SHOWN_FEATURES: tuple[str, ...] = tuple(dict.fromkeys(KEY_FEATURES + SALES_FEATURES))
