"""Where the law fixes the sign of a signal: the model's monotone constraints.

A tree model learns whatever separates its training platform, including correlations the law
contradicts: on the project simulator legitimate families charged entry fees more often than
disguised pyramids, so "no entry fee" came to *raise* the score on other platforms
(docs/independent_simulator.md). For the features below the law (DOMAIN.md) says which way is
riskier, all else equal, so the booster is constrained never to lower the score when the
feature moves that way (LightGBM monotone constraints).

The direction itself is the registry's ``riskier`` (one place for that fact); this table only
says which features are constrained and on what legal ground. Everything else stays free:
structure (tier, depth, size) because 3+ tiers is an element of the offence but depth alone is
not guilt (lawful distributors and direct sellers are deep too; the model's depth inputs stop
at three tiers, ``features.signals.structure.LEGAL_TIER_CAP``), recruiting speed because viral
campaigns recruit fast, stock and money amounts because wholesale buys stock lawfully, losses
and churn because they are evidence about outcomes, not an element of the definition.
"""

from __future__ import annotations

from collections.abc import Sequence

from features.registry import REGISTRY

_ENTRY_FEE = "《禁止传销条例》Art. 7(2) 收取入门费; 《直销管理条例》Art. 14; Koscot: paying to join"
_RECRUITING_PAY = "《禁止传销条例》Art. 7(1) 拉人头; Koscot; EU UCPD Annex I 14: pay for recruiting"
_END_USERS = "Herbalife 80 % to end users; Vemma: most revenue from non-participants"

# feature -> legal ground for a monotone constraint in the registry's ``riskier`` direction
LEGAL_GROUNDS: dict[str, str] = {
    "entry_fee_to_typical_order": _ENTRY_FEE,
    "downline_entry_fees_to_typical_order": _ENTRY_FEE,
    "network_entry_fees_to_typical_order": _ENTRY_FEE,
    # entry cost = fee + stock bought within 30 days of joining: "buying goods to join" is 7(2)
    "network_mean_entry_cost_to_typical_order": _ENTRY_FEE,
    "recruits_mean_entry_cost_to_typical_order": _ENTRY_FEE,
    "first_stock_purchase_to_typical_order": _ENTRY_FEE,
    "recruitment_commission_share": _RECRUITING_PAY,
    "recruitment_commission_to_typical_order": _RECRUITING_PAY,
    "network_recruitment_commission_to_typical_order": _RECRUITING_PAY,
    "income_from_downline_share": _END_USERS,
    "pay_to_consumer_sales_ratio": "《直销管理条例》Art. 24: pay <= 30 % of own consumer sales",
    "consumer_sales_share": _END_USERS,
    "downline_consumer_sales_share": _END_USERS,
    "network_consumer_sales_share": _END_USERS,
    "sell_through_ratio": "Amway 70 % rule: no reorder before 70 % of earlier stock is sold",
    # The same grounds seen from the neighbours (issue 15): an account whose upline, branch or
    # downline is paid for recruiting, charges to join or sells to no end user is, all else
    # equal, no less likely to be in the scheme. Unconstrained, the booster learned simulator
    # quirks of these aggregates that turned round on other worlds.
    "upline_recruitment_commission_share": _RECRUITING_PAY,
    "downline_recruitment_commission_share": _RECRUITING_PAY,
    "branch_recruitment_commission_share": _RECRUITING_PAY,
    "upline_entry_cost_to_typical_order": _ENTRY_FEE,
    "downline_mean_entry_cost_to_typical_order": _ENTRY_FEE,
    "branch_mean_entry_cost_to_typical_order": _ENTRY_FEE,
    "upline_consumer_sales_share": _END_USERS,
    "branch_consumer_sales_share": _END_USERS,
    "branch_authentic_consumer_sales_share": _END_USERS,
    "network_authentic_consumer_sales_share": _END_USERS,
    "end_user_share": _END_USERS,
    "branch_end_user_share": _END_USERS,
    "network_end_user_share": _END_USERS,
}

_SIGN = {"higher": 1, "lower": -1}


def legal_directions(features: Sequence[str]) -> dict[str, int]:
    """+1 / -1 for each of ``features`` the law constrains (the rest are left free)."""
    return {name: _SIGN[REGISTRY[name].riskier] for name in features if name in LEGAL_GROUNDS}
