"""Request and response bodies of case work (the records come from ``risk.service.cases``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from risk.service.cases import CaseDetail, CaseRecord
from risk.vocab import CaseUnit

__all__ = ["CaseDetail", "CaseIn", "CasePageOut", "CaseRecord", "ReassignIn"]


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
