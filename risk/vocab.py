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
    "BAND_NAMES",
    "DECISIONS",
    "DECISION_LABELS",
    "DECISION_STATUSES",
    "EXPLAINED_BANDS",
    "FLAGGED_BANDS",
    "KEY_FEATURES",
    "KEY_ROLES",
    "LANGS",
    "MAX_OFFSET",
    "RUN_STATUSES",
    "SALES_FEATURES",
    "SCHEME_ROLES",
    "SHOWN_FEATURES",
    "Band",
    "Decision",
    "DecisionStatus",
    "KeyRole",
    "Lang",
    "RunStatus",
    "SchemeRole",
]

# Reasons and the likely role are stored for these bands (explaining every account costs minutes).
EXPLAINED_BANDS: tuple[Band, ...] = ("medium", "high", "critical")
# A network with an account in one of these bands is flagged (a case for moderators).
FLAGGED_BANDS: tuple[Band, ...] = ("high", "critical")

Decision = Literal["confirm", "dismiss", "escalate"]
DECISIONS: tuple[Decision, ...] = get_args(Decision)
# What a decision teaches the model: escalate is "not sure yet" and labels nothing.
DECISION_LABELS: dict[Decision, int] = {"confirm": 1, "dismiss": 0}
DecisionStatus = Literal["pending", "decided", "all"]  # the queue's filter on decisions
DECISION_STATUSES: tuple[DecisionStatus, ...] = get_args(DecisionStatus)

# Who holds an API key (not to be confused with an account's role in a scheme).
KeyRole = Literal["moderator", "regulator", "admin"]
KEY_ROLES: tuple[KeyRole, ...] = get_args(KeyRole)
# The furthest row a list page may start at (beyond: 422, never a database overflow).
MAX_OFFSET = 1_000_000_000
# The role that manages keys: the store never lets its last active key be revoked.
ADMIN_ROLE: KeyRole = "admin"

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
