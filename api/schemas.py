"""Response and request bodies: what /docs shows and what every route returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from risk.service.accounts import AccountOut as AccountOut  # routes declare it
from risk.service.accounts import StoredReason
from risk.service.queue import QueueItem
from risk.vocab import Band, Decision, KeyRole, QueueOrder, SchemeRole
from risk.vocab import Lang as LangParam


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    """Every error the API returns."""

    error: ErrorDetail


class ExplanationOut(BaseModel):
    """SHAP reasons computed on demand (log-odds contributions)."""

    account_id: str
    run_id: str
    score: float
    band: str
    model_version: str
    lang: LangParam
    up: list[StoredReason]
    down: list[StoredReason]
    base_value: float | None
    raw_score: float | None


class QueueOut(BaseModel):
    """One page of the review queue in its order."""

    items: list[QueueItem]  # the score row, declared once in the store, and why it is listed
    total: int
    limit: int
    offset: int
    run_id: str
    order: QueueOrder
    flagged_left: int | None  # flagged accounts of the run with no decision yet


class TierOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    tier: int
    accounts: int
    flagged: int
    mean_score: float
    stock_pushed_down: float
    consumer_sales: float
    commissions_up: float
    recruitment_commissions: float
    team_commissions: float
    entry_fees: float


class FlaggedAccountOut(BaseModel):
    """A listed account of a network: its root and likely organizers first, whatever their
    band (``flagged`` says whether the account's band is flagged), then the flagged ones."""

    account_id: str
    tier: int
    score: float
    band: str
    rank: int
    role: SchemeRole | None = None
    role_probability: float | None = None
    root: bool = False
    flagged: bool = True


class NetworkOut(BaseModel):
    """A network's tiers, flagged accounts and the money moving between tiers."""

    network_id: str
    run_id: str
    accounts: int
    flagged: int
    bands: dict[str, int]
    tiers: list[TierOut]
    totals: dict[str, float]
    flagged_accounts: list[FlaggedAccountOut]
    currency: str = Field(
        description="ISO 4217 code of every amount above (RISK_CURRENCY): the platform's one "
        "currency."
    )


class NetworkSummaryOut(BaseModel):
    network_id: str
    network_score: float | None = Field(
        description="Mean of the top max(3, 10%) member scores of the network, 0-1 (null for "
        "runs scored before network scores were stored). The list is ordered by it first."
    )
    accounts: int
    flagged: int = Field(description="Accounts at band high or critical.")
    bands: dict[str, int] = Field(description="Accounts per band, every band listed.")
    max_band: Band
    top_score: float
    depth: int | None = Field(description="The deepest tier recorded (null if none is).")
    regions: list[str]
    decided: int = Field(description="Accounts with a decision on record.")
    flagged_pending: int = Field(description="Flagged accounts with no decision yet.")


class NetworksOut(BaseModel):
    """One page of the flagged networks: highest network score first, then most flagged
    accounts, then top score, then network id."""

    items: list[NetworkSummaryOut]
    total: int
    limit: int
    offset: int
    run_id: str


class DecisionIn(BaseModel):
    """A moderator's decision; the reviewer is the API key's name, never the body."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision
    note: str | None = Field(default=None, max_length=4000)


class DecisionOut(BaseModel):
    id: int
    account_id: str
    run_id: str
    score: float
    band: str
    decision: str
    note: str | None
    reviewer: str
    created_at: datetime
    import_id: int | None = None  # the `risk decisions import` it came from (None: console, API)


class RunOut(BaseModel):
    id: str
    status: str
    as_of: datetime
    model_name: str
    model_version: str
    model_run_id: str | None
    data_fingerprint: str
    snapshot_path: str | None
    started_at: datetime
    finished_at: datetime | None
    published_at: datetime | None
    accounts_scored: int | None
    counts: dict[str, Any] | None
    timings: dict[str, Any] | None
    drift: dict[str, Any] | None
    error: str | None
    pruned_at: datetime | None = Field(
        description="When `risk runs prune` removed the run's rows at band low with no decision "
        "(its record, flagged and decided rows and report figures stay); null if never."
    )
    pruned_rows: int | None = Field(description="Score rows removed by pruning (null if none).")


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: KeyRole


class KeyOut(BaseModel):
    id: int
    name: str
    role: str
    key_prefix: str
    created_at: datetime
    revoked_at: datetime | None
    active: bool


class CreatedKeyOut(KeyOut):
    key: str = Field(description="The key itself: shown once, only its hash is stored.")


class HealthOut(BaseModel):
    status: Literal["ok"]


class ReadyOut(BaseModel):
    ready: bool
    store: bool
    model: bool
    model_version: str | None
    run_id: str | None
    reasons: list[str]


class ModelComparisonOut(BaseModel):
    """Champion vs challenger on one run (risk.service.shadow.ModelComparison)."""

    run_id: str
    as_of: str
    champion: str
    challenger: str
    accounts: int
    changed_band: int
    band_changes: dict[str, dict[str, int]]  # champion band -> challenger band -> accounts
    flagged: dict[str, int]  # high or critical, per model
    decisions_since: int
    agreement: dict[str, float | None]
    decided_accounts: int
    k: int
    precision_at_k: dict[str, float | None]
