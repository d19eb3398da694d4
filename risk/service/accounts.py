"""One account as a moderator sees it: the stored score with its key features in context."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from features.registry import REGISTRY
from models.explain_text import check_lang
from risk.account_features import KEY_FEATURES
from risk.service.errors import AccountNotFoundError
from risk.service.runs import RunCache
from risk.store.group_commit import GroupCommitter
from risk.store.records import ScoreRecord
from risk.store.scores import view_account, view_account_in
from risk.vocab import Lang

if TYPE_CHECKING:
    from models.explainer import Explainer


@dataclass(frozen=True)
class AccountView:
    """The latest published score of one account, ready to render."""

    record: ScoreRecord
    as_of: str
    model_version: str
    reasons: list[dict[str, Any]]
    key_features: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for the API."""
        record = self.record
        return {
            "account_id": record.account_id,
            "network_id": record.network_id,
            "region": record.region,
            "tier": record.tier,
            "score": record.score,
            "band": record.band,
            "rank": record.rank,
            "reasons": self.reasons,
            "indicators": record.indicators or [],
            "model_version": self.model_version,
            "run_id": record.run_id,
            "as_of": _wire_time(self.as_of),
            "decision": record.decision,
            "decided_at": None if record.decided_at is None else _wire_time(record.decided_at),
            "key_features": self.key_features,
            "role": record.role,
            "role_probability": record.role_probability,
        }


def _wire_time(moment: datetime | str) -> str:
    """A UTC timestamp as the API writes it: ISO 8601 ending in "Z" (the store keeps UTC)."""
    text = moment if isinstance(moment, str) else moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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
) -> list[dict[str, Any]]:
    """Each named feature's stored value, formatted text, population percentile and meaning."""
    features, percentiles = features or {}, percentiles or {}
    out = []
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
) -> list[dict[str, Any]]:
    """The account view's key features (``KEY_FEATURES``) with percentile and meaning."""
    return feature_values(KEY_FEATURES, features, percentiles, lang)


def reworded_reasons(
    reasons: list[Any] | None, explainer: Explainer | None, lang: Lang
) -> list[dict[str, Any]]:
    """Stored reasons (English), re-worded from the registry when another language is asked."""
    stored = [dict(reason) for reason in reasons or []]
    if lang == "en" or explainer is None:
        return stored
    columns = {name: i for i, name in enumerate(explainer.feature_names)}
    for reason in stored:
        column = columns.get(reason.get("feature", ""))
        value = number(reason.get("value"))
        if column is not None:
            shown = math.nan if value is None else value
            reason["text"] = explainer.book.text(column, shown, lang)
    return stored


def account_view(
    engine: Engine,
    account_id: str,
    *,
    actor: str,
    runs: RunCache,
    explainer: Explainer | None = None,
    lang: str = "en",
) -> AccountView:
    """The account's latest published score (the view is audited); 404 if it has none."""
    chosen = check_lang(lang)
    record = view_account(engine, account_id, actor=actor)
    return _presented(engine, account_id, record, runs, explainer, chosen)


async def account_view_grouped(
    committer: GroupCommitter,
    account_id: str,
    *,
    actor: str,
    runs: RunCache,
    explainer: Explainer | None = None,
    lang: str = "en",
) -> AccountView:
    """``account_view`` with the audited read group-committed with other requests' (the API)."""
    chosen = check_lang(lang)
    record = await committer.run(partial(view_account_in, account_id=account_id, actor=actor))
    return _presented(committer.engine, account_id, record, runs, explainer, chosen)


def _presented(
    engine: Engine,
    account_id: str,
    record: ScoreRecord | None,
    runs: RunCache,
    explainer: Explainer | None,
    lang: Lang,
) -> AccountView:
    """The view of a score read (404 without one), with its run's context and key features."""
    if record is None:
        raise AccountNotFoundError(f"account {account_id!r} has no score in the published run")
    run = runs.get(engine, record.run_id)
    return AccountView(
        record=record,
        as_of=run.as_of.isoformat(),
        model_version=f"{run.model_name}/{run.model_version}",
        reasons=reworded_reasons(record.reasons, explainer, lang),
        key_features=key_feature_values(record.features, record.percentiles, lang),
    )
