"""One account as a moderator sees it: the stored score with its key features in context (the
API's account view), the console's account page composed from the same functions, and how a
score is written for people (the console and the regulator report alike). A run stores reasons
and indicators as data; they are worded here, in the reader's language."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from features.registry import REGISTRY
from models.explain_text import check_lang, principal_reasons, stored_reason_text
from risk.indicators.wording import worded_indicators
from risk.service.errors import AccountNotFoundError
from risk.service.networks import NetworkViewCache, network_view
from risk.service.runs import RunCache
from risk.store.decisions import list_decisions
from risk.store.group_commit import GroupCommitter
from risk.store.records import DecidedScoreRow as DecidedScoreRow  # the API lists it
from risk.store.records import DecisionRecord, ScoreRecord
from risk.store.records import StoredReason as StoredReason  # the API shows it
from risk.store.scores import view_account, view_account_in
from risk.vocab import KEY_FEATURES, SALES_FEATURES, Lang

if TYPE_CHECKING:
    from models.explainer import Explainer

REASONS_EACH_WAY = 8  # candidates each way for the account page's principal reasons
_SCORE_STEP = Decimal("0.001")


class KeyFeature(TypedDict):
    """A feature the account view shows: its value, as text, its percentile and its meaning."""

    feature: str
    value: float | None
    display: str
    percentile: float | None  # population percentile 0-100 in this run
    unit: str
    riskier: str
    description: str


@dataclass(frozen=True, kw_only=True)
class AccountOut(DecidedScoreRow):
    """The account as the API shows it: its score row with the run's context and key features."""

    run_id: str
    model_version: str
    as_of: datetime
    key_features: list[KeyFeature]
    # ISO 4217 code of every amount in this body (key features of unit "money", and the
    # amounts the indicators' sentences name, which also carry it): RISK_CURRENCY
    currency: str | None = None


@dataclass(frozen=True)
class AccountView:
    """The latest published score of one account, ready to render."""

    record: ScoreRecord
    as_of: datetime
    model_version: str
    reasons: list[StoredReason]  # worded in the reader's language
    indicators: list[dict[str, Any]]  # worded in the reader's language, with their titles
    key_features: list[KeyFeature]
    currency: str | None = None  # the platform's, for every amount shown

    def out(self) -> AccountOut:
        """The API's account: the score row's fields taken from the record, declared once."""
        row = {field.name: getattr(self.record, field.name) for field in fields(DecidedScoreRow)}
        row |= {"reasons": self.reasons, "indicators": self.indicators}
        return AccountOut(
            **row,
            run_id=self.record.run_id,
            model_version=self.model_version,
            as_of=self.as_of,
            key_features=self.key_features,
            currency=self.currency,
        )


def score_text(score: float) -> str:
    """A score (a probability) with three decimals, cut rather than rounded: 0.9996 -> 0.999.

    Rounding writes 0.9996 as 1.000, which a reader takes for certainty that a probability
    below 1 never is; and the band was decided on the exact score, so a 0.8996 under a 0.9
    cut would read 0.900 while not being in the band above it. Cutting never shows more risk
    than the model gave. A positive score below 0.001 reads "<0.001": 0.000 would claim
    certainty the other way. The digits cut are those of the shortest decimal that reads back
    as the same float (a stored 0.285 reads 0.285, not the 0.284 of its binary expansion).
    """
    exact = Decimal(repr(float(score)))
    if 0 < exact < _SCORE_STEP:
        return "<0.001"
    return str(exact.quantize(_SCORE_STEP, rounding=ROUND_FLOOR))


def number(value: Any) -> float | None:
    """A stored JSON value as a finite float, else None."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def feature_values(
    names: tuple[str, ...],
    features: dict[str, Any] | None,
    percentiles: dict[str, Any] | None,
    lang: Lang,
    *,
    missing: str = "",
) -> list[KeyFeature]:
    """Each named feature's stored value, formatted text, population percentile and meaning."""
    features, percentiles = features or {}, percentiles or {}
    out: list[KeyFeature] = []
    for name in names:
        spec = REGISTRY[name]
        value = number(features.get(name))
        out.append(
            {
                "feature": name,
                "value": value,
                "display": missing if value is None else spec.format_value(value),
                "percentile": number(percentiles.get(name)),
                "unit": spec.unit,
                "riskier": spec.riskier,
                "description": spec.description_zh if lang == "zh" else spec.description_en,
            }
        )
    return out


def key_feature_values(
    features: dict[str, Any] | None, percentiles: dict[str, Any] | None, lang: Lang
) -> list[KeyFeature]:
    """The account view's key features (``KEY_FEATURES``) with percentile and meaning."""
    return feature_values(KEY_FEATURES, features, percentiles, lang)


def worded_reason(reason: Mapping[str, Any], lang: Lang) -> StoredReason:
    """A reason as a run stored it (or as the explainer gives it now) with its sentence in
    ``lang``; one stored before runs kept the reference shows its stored English."""
    return {
        "feature": str(reason.get("feature", "")),
        "value": number(reason.get("value")),
        "contribution": number(reason.get("contribution")),
        "reference": number(reason.get("reference")),
        "text": stored_reason_text(reason, lang),
    }


def every_reason_worded(reasons: Sequence[Mapping[str, Any]], lang: Lang) -> list[StoredReason]:
    """Each reason given worded in ``lang``, none left out (the explanation endpoint's ``top``
    contributions each way: data for whoever asked for them)."""
    return [worded_reason(reason, lang) for reason in reasons]


def worded_reasons(reasons: Sequence[Mapping[str, Any]] | None, lang: Lang) -> list[StoredReason]:
    """The principal reasons (``models.explain_text.principal_reasons``: at most four, each
    sentence agreeing with its direction, the account's own signals first, no tiny pushes)
    worded in ``lang`` (none stored: an empty list)."""
    return [worded_reason(reason, lang) for reason in principal_reasons(reasons or [])]


def account_view(
    *,
    engine: Engine,
    account_id: str,
    actor: str,
    runs: RunCache,
    lang: str = "en",
    currency: str | None = None,
) -> AccountView:
    """The account's latest published score (the view is audited); 404 if it has none."""
    chosen = check_lang(lang)
    record = view_account(engine, account_id, actor=actor)
    return _presented(engine, account_id, record, runs, chosen, currency)


async def account_view_grouped(
    *,
    committer: GroupCommitter,
    account_id: str,
    actor: str,
    runs: RunCache,
    lang: str = "en",
    currency: str | None = None,
) -> AccountView:
    """``account_view`` with the audited read group-committed with other requests' (the API)."""
    chosen = check_lang(lang)
    record = await committer.run(partial(view_account_in, account_id=account_id, actor=actor))
    return _presented(committer.engine, account_id, record, runs, chosen, currency)


def _presented(
    engine: Engine,
    account_id: str,
    record: ScoreRecord | None,
    runs: RunCache,
    lang: Lang,
    currency: str | None,
) -> AccountView:
    """The view of a score read (404 without one), with its run's context and key features,
    its reasons and indicators worded in ``lang``."""
    if record is None:
        raise AccountNotFoundError(f"account {account_id!r} has no score in the published run")
    run = runs.get(engine, record.run_id)
    return AccountView(
        record=record,
        as_of=run.as_of,
        model_version=f"{run.model_name}/{run.model_version}",
        reasons=worded_reasons(record.reasons, lang),
        indicators=worded_indicators(record.indicators, lang, currency),
        key_features=key_feature_values(record.features, record.percentiles, lang),
        currency=currency,
    )


@dataclass(frozen=True)
class AccountPage:
    """Everything the account page shows, in the reader's language."""

    view: AccountView
    reasons_up: list[StoredReason]
    reasons_down: list[StoredReason]
    reasons_source: str  # "model" (explained now, up and down) or "stored" (the run's reasons)
    indicators: list[dict[str, Any]]
    network: dict[str, Any] | None
    sales: list[KeyFeature]
    decisions: list[DecisionRecord]

    @property
    def largest_contribution(self) -> float:
        """The biggest absolute SHAP contribution shown (scales the bar chart)."""
        shown = [abs(r.get("contribution") or 0.0) for r in self.reasons_up + self.reasons_down]
        return max([*shown, 1e-9])


def _reasons(
    view: AccountView, explainer: Explainer | None, lang: Lang
) -> tuple[list[StoredReason], list[StoredReason], str]:
    """SHAP reasons up and down explained now; the run's stored reasons without a model."""
    if explainer is not None and view.record.features:
        explained = explainer.explain_one(view.record.features, top=REASONS_EACH_WAY).to_dict()
        candidates = sorted(
            explained["up"] + explained["down"], key=lambda r: -abs(r["contribution"] or 0.0)
        )
        chosen = worded_reasons(candidates, lang)
        up = [r for r in chosen if (r.get("contribution") or 0.0) >= 0]
        down = [r for r in chosen if (r.get("contribution") or 0.0) < 0]
        return up, down, "model"
    up = [r for r in view.reasons if (r.get("contribution") or 0.0) >= 0]
    down = [r for r in view.reasons if (r.get("contribution") or 0.0) < 0]
    return up, down, "stored"


def _network(
    engine: Engine, network_id: str | None, *, actor: str, cache: NetworkViewCache | None
) -> dict[str, Any] | None:
    """The account's network by tier (audited as a network view), or None without one."""
    if network_id is None:
        return None
    return network_view(engine=engine, network_id=network_id, actor=actor, cache=cache)


def account_page(
    *,
    engine: Engine,
    account_id: str,
    actor: str,
    runs: RunCache,
    networks: NetworkViewCache | None = None,
    explainer: Explainer | None = None,
    lang: str = "en",
    currency: str | None = None,
) -> AccountPage:
    """The account as the console shows it; the account and network views are audited."""
    chosen = check_lang(lang)
    view = account_view(
        engine=engine, account_id=account_id, actor=actor, runs=runs, lang=lang, currency=currency
    )
    record = view.record
    up, down, source = _reasons(view, explainer, chosen)
    return AccountPage(
        view=view,
        reasons_up=up,
        reasons_down=down,
        reasons_source=source,
        indicators=view.indicators,
        network=_network(engine, record.network_id, actor=actor, cache=networks),
        sales=feature_values(
            SALES_FEATURES, record.features, record.percentiles, chosen, missing="–"
        ),
        decisions=list_decisions(engine, account_id=account_id),
    )
