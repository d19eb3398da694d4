"""Request and response bodies of case work (the records come from ``risk.service.cases``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from risk.service.cases import AppealRecord, CaseDetail, CaseRecord, ProposalRecord
from risk.vocab import (
    MAX_ROW_ID,
    AppealOutcome,
    CaseUnit,
    Decision,
    EnforcementAction,
    GroundKind,
    WebhookEvent,
)

__all__ = [
    "AgreementOut",
    "AppealDecisionIn",
    "AppealIn",
    "AppealRecord",
    "CaseDetail",
    "CaseIn",
    "CasePageOut",
    "CaseRecord",
    "CreatedSubscriptionOut",
    "OutcomeIn",
    "ProposalIn",
    "ProposalRecord",
    "QaDecisionIn",
    "QaReviewIn",
    "ReassignIn",
    "ReviewIn",
    "SubscriptionIn",
    "TransparencyOut",
]


class CaseIn(BaseModel):
    """A case opened by hand from an account: its network, or the branch it heads."""

    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1, max_length=200)
    unit_kind: CaseUnit = "network"


class ReassignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: str = Field(min_length=1, max_length=100, description="An API key's name.")


class CasePageOut(BaseModel):
    """One page of cases in work order: overdue first, then priority, due time, age."""

    items: list[CaseRecord]
    total: int
    limit: int
    offset: int


class OutcomeIn(BaseModel):
    """What the case decides for one account (an action needs the decision confirm)."""

    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1, max_length=200)
    decision: Decision
    action: EnforcementAction | None = None


class ProposalIn(BaseModel):
    """The assignee's decision for the whole case: an outcome for every account of the case."""

    model_config = ConfigDict(extra="forbid")

    outcomes: list[OutcomeIn] = Field(min_length=1, max_length=20_000)
    network_action: EnforcementAction | None = Field(
        default=None, description="An action on the whole network (always needs a lead)."
    )
    ground_kind: GroundKind = Field(
        description="illegal: the law (DSA Art. 17(3)(d)); terms: the platform's terms (e)."
    )
    legal_ground: str = Field(min_length=1, max_length=4000, description="The provision.")
    statement: str = Field(
        min_length=1, max_length=4000, description="The statement of reasons the seller gets."
    )


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=4000)


class AppealIn(BaseModel):
    """An appeal the platform files for the seller against one action."""

    model_config = ConfigDict(extra="forbid")

    action_id: int = Field(ge=1, le=MAX_ROW_ID)
    grounds: str = Field(min_length=1, max_length=4000)


class AppealDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: AppealOutcome
    reasons: str = Field(min_length=1, max_length=4000)


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://")
    events: list[WebhookEvent] = Field(min_length=1)


class CreatedSubscriptionOut(BaseModel):
    id: int
    url: str
    events: list[str]
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    secret: str = Field(
        description="Signs every delivery (Standard Webhooks: HMAC-SHA256 over "
        "'{webhook-id}.{webhook-timestamp}.{body}'); shown once."
    )


class QaDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(min_length=1, max_length=200)
    decision: Decision


class QaReviewIn(BaseModel):
    """The QA reviewer's own decision for every account of the case (made blind)."""

    model_config = ConfigDict(extra="forbid")

    outcomes: list[QaDecisionIn] = Field(min_length=1, max_length=20_000)


class AgreementOut(BaseModel):
    """QA agreement of one moderator's decisions."""

    moderator: str
    reviews: int
    accounts_compared: int
    agreement: float | None = Field(description="Share of accounts the QA reviewer decided alike.")


class TransparencyOut(BaseModel):
    """Case work for regulators over a period (DSA Art. 15 items)."""

    figures: dict[str, Any] = Field(
        description="actions (by type, by ground, network-wide, approved by a second reviewer, "
        "median hours from flag to action), decisions (detected by automated means or by hand; "
        "decided by people), sla (cases due and breaches per priority), appeals (received, "
        "upheld, overturned, pending, median hours to decide), reviewer_agreement (QA)."
    )
    statements: dict[str, Any] = Field(
        description="DSA statements of reasons of the restricting actions (EU Transparency "
        "Database format: {'statements': [...]})."
    )
