"""The case register: flagged accounts of the run and accounts decided in the period."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from features.utc import utc_iso
from models.explain_text import principal_reasons, stored_reason_text
from risk.indicators.wording import indicator_text
from risk.report.i18n import ACTIONS, BAND_NAMES, DECISION_NAMES, ROLE_NAMES
from risk.store.records import DecisionRecord
from risk.vocab import FLAGGED_BANDS, Lang


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def decision_history(
    decisions: Sequence[DecisionRecord], pseudonym: Callable[[str], str]
) -> dict[str, list[dict[str, Any]]]:
    """Per account, its decisions in the period, oldest first (notes are left out: free text)."""
    history: dict[str, list[dict[str, Any]]] = {}
    for record in decisions:
        history.setdefault(record.account_id, []).append(
            {
                "decision": record.decision,
                "reviewer": pseudonym(record.reviewer),
                "decided_at": utc_iso(record.created_at),
                "run_id": record.run_id,
                "score_shown": float(record.score),
                "band_shown": record.band,
            }
        )
    return history


def _register_rows(frame: pd.DataFrame, decided: Sequence[str]) -> pd.DataFrame:
    """Rows of the run at high or above or decided; decided accounts missing from the run last."""
    in_register = frame["band"].isin(FLAGGED_BANDS) | frame["account_id"].isin(decided)
    rows = frame[in_register]
    absent = sorted(set(decided) - set(frame["account_id"]))
    if absent:
        extra = pd.DataFrame({"account_id": absent})
        rows = pd.concat([rows, extra], ignore_index=True)
    return rows.reset_index(drop=True)


def _case(
    row: Mapping[str, Any], history: list[dict[str, Any]], lang: Lang, currency: str | None
) -> dict[str, Any]:
    """One register entry (JSON-safe), its reasons and indicators worded in ``lang``."""
    latest = history[-1] if history else None
    status = latest["decision"] if latest else "pending"
    in_run = isinstance(row.get("band"), str)
    band = row["band"] if in_run else (latest or {}).get("band_shown")
    score = _number(row.get("score")) if in_run else (latest or {}).get("score_shown")
    reasons: list[Any] = row["reasons"] if isinstance(row.get("reasons"), list) else []
    indicators: list[Any] = row["indicators"] if isinstance(row.get("indicators"), list) else []
    tier = row.get("tier")
    role = row.get("role")
    return {
        "account_id": str(row["account_id"]),
        "in_run": in_run,
        "rank": int(row["rank"]) if in_run else None,
        # Exact, not rounded: people see it through risk.service.accounts.score_text as in the
        # console; a rounded copy would be rounded twice (0.9999996 -> 1.0 -> "1.000", console
        # "0.999").
        "score": score,
        "band": band,
        "band_label": BAND_NAMES[band][lang] if band in BAND_NAMES else None,
        "role": role if in_run and role in ROLE_NAMES else None,
        "role_label": ROLE_NAMES[role][lang] if in_run and role in ROLE_NAMES else None,
        "network_id": row.get("network_id") if in_run else None,
        "tier": None if not in_run or tier is None or pd.isna(tier) else int(tier),
        "reasons": [
            {
                "feature": r.get("feature"),
                "value": _number(r.get("value")),
                "contribution": _number(r.get("contribution")),
                "text": stored_reason_text(r, lang),
            }
            for r in principal_reasons(reasons)  # the four the console shows, not candidates
        ],
        "indicators": [
            {
                "rule_id": item.get("rule_id"),
                "jurisdiction": item.get("jurisdiction"),
                "citation": item.get("citation"),
                "text": indicator_text(item, lang, currency),  # amounts say their currency
            }
            for item in indicators
        ],
        "decision": latest["decision"] if latest else None,
        "decision_label": DECISION_NAMES[status][lang],
        "reviewer": latest["reviewer"] if latest else None,
        "decided_at": latest["decided_at"] if latest else None,
        "action": ACTIONS[status][lang],
        "decisions": history,
    }


def case_register(
    frame: pd.DataFrame,
    history: Mapping[str, list[dict[str, Any]]],
    lang: Lang,
    currency: str | None = None,
) -> list[dict[str, Any]]:
    """Register entries in rank order (decided accounts absent from the run at the end)."""
    rows = _register_rows(frame, sorted(history))
    records = rows.astype(object).where(rows.notna(), None).to_dict(orient="records")
    return [_case(row, history.get(str(row["account_id"]), []), lang, currency) for row in records]
