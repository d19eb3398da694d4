"""The console's account page: one call composing the service functions the API also uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from models.explain_text import check_lang
from risk.account_features import SALES_FEATURES
from risk.indicators.params import IndicatorParams
from risk.indicators.registry import RULES_BY_ID
from risk.service.accounts import AccountView, account_view, feature_values
from risk.service.network import NetworkViewCache, network_view
from risk.service.runs import RunCache
from risk.store.decisions import list_decisions
from risk.store.records import DecisionRecord
from risk.vocab import Lang

if TYPE_CHECKING:
    from models.explainer import Explainer

REASONS_EACH_WAY = 5


@dataclass(frozen=True)
class AccountPage:
    """Everything the account page shows, in the reader's language."""

    view: AccountView
    reasons_up: list[dict[str, Any]]
    reasons_down: list[dict[str, Any]]
    reasons_source: str  # "model" (explained now, up and down) or "stored" (the run's reasons)
    indicators: list[dict[str, Any]]
    network: dict[str, Any] | None
    sales: list[dict[str, Any]]
    decisions: list[DecisionRecord]

    @property
    def largest_contribution(self) -> float:
        """The biggest absolute SHAP contribution shown (scales the bar chart)."""
        shown = [abs(r.get("contribution") or 0.0) for r in self.reasons_up + self.reasons_down]
        return max([*shown, 1e-9])


def indicators_in(indicators: list[Any] | None, lang: Lang) -> list[dict[str, Any]]:
    """Fired indicators with their rule title, worded in ``lang`` from the rule pack.

    English keeps the stored sentence (written with the thresholds of the run); other
    languages are re-worded from the evidence with the default thresholds.
    """
    constants = IndicatorParams().as_dict()
    out = []
    for item in indicators or []:
        shown = dict(item)
        rule = RULES_BY_ID.get(str(shown.get("rule_id", "")))
        if rule is not None:
            shown["title"] = rule.title_zh if lang == "zh" else rule.title_en
            if lang != "en":
                shown["text"] = rule.text(lang, shown.get("evidence") or {}, constants)
        else:
            shown["title"] = shown.get("rule_id", "")
        out.append(shown)
    return out


def _reasons(
    view: AccountView, explainer: Explainer | None, lang: Lang
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str]:
    """SHAP reasons up and down explained now; the run's stored reasons without a model."""
    if explainer is not None and view.record.features:
        explained = explainer.explain_one(view.record.features, top=REASONS_EACH_WAY, lang=lang)
        payload = explained.to_dict()
        return payload["up"], payload["down"], "model"
    up = [r for r in view.reasons if (r.get("contribution") or 0.0) >= 0]
    down = [r for r in view.reasons if (r.get("contribution") or 0.0) < 0]
    return up, down, "stored"


def _network(
    engine: Engine, network_id: str | None, *, actor: str, cache: NetworkViewCache | None
) -> dict[str, Any] | None:
    """The account's network by tier (audited as a network view), or None without one."""
    if network_id is None:
        return None
    return network_view(engine, network_id, actor=actor, cache=cache)


def account_page(
    engine: Engine,
    account_id: str,
    *,
    actor: str,
    runs: RunCache,
    networks: NetworkViewCache | None = None,
    explainer: Explainer | None = None,
    lang: str = "en",
) -> AccountPage:
    """The account as the console shows it; the account and network views are audited."""
    chosen = check_lang(lang)
    view = account_view(engine, account_id, actor=actor, runs=runs, explainer=explainer, lang=lang)
    record = view.record
    up, down, source = _reasons(view, explainer, chosen)
    return AccountPage(
        view=view,
        reasons_up=up,
        reasons_down=down,
        reasons_source=source,
        indicators=indicators_in(record.indicators, chosen),
        network=_network(engine, record.network_id, actor=actor, cache=networks),
        sales=feature_values(
            SALES_FEATURES, record.features, record.percentiles, chosen, missing="–"
        ),
        decisions=list_decisions(engine, account_id=account_id),
    )
