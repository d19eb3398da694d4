"""Every threshold the legal indicators use, with its legal default and where it comes from."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class IndicatorParams:
    """Thresholds of the rule packs; defaults are the numbers written in the cited law or order.

    Override one for a what-if (``IndicatorParams(cn_criminal_participants=50)``); the rules
    read nothing else, so a report can print the exact parameters it used.
    """

    # 《禁止传销条例》第七条: any recruitment reward or entry fee is the form; no minimum amount.
    cn_recruitment_pay_min: float = 0.0
    cn_entry_fee_min: float = 0.0
    cn_team_pay_min: float = 0.0
    # The contract's entry_fee already holds mandatory starter packs; an opening stock order
    # (features: bought within 30 days of joining) is not proof it was mandatory. Opt in here.
    cn_first_order_as_entry_fee: bool = False
    # 立案追诉标准（二）第七十八条 and the 2013 opinion: 30 or more participants, 3 or more tiers,
    # counting the organizer and its own tier.
    cn_criminal_participants: int = 30
    cn_criminal_tiers: int = 3
    # 2013 opinion, 情节严重: 120 or more participants, or RMB 2.5M or more collected.
    cn_serious_participants: int = 120
    cn_serious_amount_collected: float = 2_500_000.0
    # Criminal counts only for the recruitment / entry-fee form, not pure sales team commission.
    cn_criminal_requires_recruitment_form: bool = True
    # 《直销管理条例》第二十四条: total pay may not exceed 30% of own consumer sales.
    cn_direct_selling_max_pay_ratio: float = 0.30
    # Koscot (1975): any recruitment reward with any payment for the right to sell.
    us_koscot_recruitment_pay_min: float = 0.0
    # Amway (1979) 70% rule: reorder only once 70% of earlier stock is sold or used.
    us_amway_min_sell_through: float = 0.70
    us_amway_min_reorders: int = 2  # a "reorder" needs an earlier order
    # Amway (1979) 10-customer rule: downline bonuses need 10 distinct retail customers.
    us_amway_min_customers: int = 10
    # FTC v. Herbalife (2016): at least 80% of product sales to real end users.
    us_herbalife_min_end_user_share: float = 0.80
    # FTC v. Vemma (2016): pay only if a majority (more than half) of the revenue of the
    # participant and its downline comes from non-participants.
    us_vemma_min_non_participant_share: float = 0.50
    # UCPD Annex I point 14: compensation "derived primarily" (more than half) from recruiting;
    # any consideration counts (CJEU C-515/12 4finance), hence a zero minimum.
    eu_min_recruitment_share: float = 0.50
    eu_consideration_min: float = 0.0

    def as_dict(self) -> dict[str, float | int | bool]:
        """The parameters as a plain dict (for run metadata and reports)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


# The thresholds that are amounts of money, in the platform's currency (the rest are counts,
# tiers and shares): worded with the currency code wherever a sentence names them.
MONEY_PARAMS: frozenset[str] = frozenset(
    {
        "cn_recruitment_pay_min",
        "cn_entry_fee_min",
        "cn_team_pay_min",
        "cn_serious_amount_collected",
        "us_koscot_recruitment_pay_min",
        "eu_consideration_min",
    }
)
