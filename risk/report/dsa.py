"""DSA Art. 17/24(5) statements of reasons for confirmed decisions, in the EU Transparency
Database's statement format (the fields and values of its API documentation), schema-checked.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema_rs

from risk.report.errors import ReportError
from risk.report.schema_check import first_schema_error
from risk.service.accounts import score_text

SCHEMA_FILE = "dsa_statement.schema.json"
# The restriction applies wherever the platform serves EU users; the platform narrows it if not.
EU_MEMBER_STATES = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
_PUID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
LIMITS = {"decision_facts": 5000, "illegal_content_legal_ground": 500,
          "illegal_content_explanation": 2000, "incompatible_content_ground": 500,
          "incompatible_content_explanation": 2000}  # fmt: skip


@lru_cache(maxsize=1)
def statement_schema() -> dict[str, Any]:
    """The JSON Schema of one statement (kept in the repo, ``schemas/``)."""
    text = resources.files("risk.report").joinpath("schemas", SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def puid(platform_slug: str, case: dict[str, Any]) -> str:
    """Platform-unique id of the statement: platform, account and decision time (safe chars)."""
    stamp = case["decided_at"][:19].replace("-", "").replace(":", "")
    raw = f"{platform_slug}_{case['account_id']}_{stamp}"
    return _PUID_UNSAFE.sub("_", raw)[:500]


def _facts(case: dict[str, Any]) -> str:
    """Facts and circumstances: the score and band, then the model's reasons in words."""
    rank = "" if case["rank"] is None else f", rank {case['rank']}"
    score = "n/a" if case["score"] is None else score_text(case["score"])
    head = (
        f"Account flagged by automated risk scoring (score {score}, band {case['band']}{rank}) "
        f"and confirmed by a human moderator ({case['reviewer']}). Main reasons: "
    )
    reasons = "; ".join(r["text"] for r in case["reasons"]) or "none recorded"
    return _clip(head + reasons + ".", LIMITS["decision_facts"])


def _grounds(case: dict[str, Any]) -> dict[str, str]:
    """Illegal content when a legal indicator was met (its citations), else terms of service."""
    indicators = case["indicators"]
    if indicators:
        citations = "; ".join(dict.fromkeys(f"{i['rule_id']}: {i['citation']}" for i in indicators))
        texts = " ".join(i["text"] for i in indicators)
        return {
            "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
            "illegal_content_legal_ground": _clip(
                citations, LIMITS["illegal_content_legal_ground"]
            ),
            "illegal_content_explanation": _clip(texts, LIMITS["illegal_content_explanation"]),
        }
    return {
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": "Platform seller terms: pyramid-style selling is prohibited",
        "incompatible_content_explanation": _clip(
            "The account's network shows the pattern of pyramid-style selling described in the "
            "facts; no statutory indicator threshold was met.",
            LIMITS["incompatible_content_explanation"],
        ),
        "incompatible_content_illegal": "No",
    }


def statement(case: dict[str, Any], *, platform_slug: str, as_of: str) -> dict[str, Any]:
    """One statement of reasons for a confirmed case (an account suspension)."""
    return {
        "decision_account": "DECISION_ACCOUNT_SUSPENDED",
        "account_type": "ACCOUNT_TYPE_BUSINESS",
        **_grounds(case),
        "content_type": ["CONTENT_TYPE_OTHER"],
        "content_type_other": "Seller account and its recruitment and commission activity",
        "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "category_specification": ["KEYWORD_PYRAMID_SCHEMES"],
        "territorial_scope": list(EU_MEMBER_STATES),
        "content_date": as_of[:10],
        "application_date": case["decided_at"][:10],
        "decision_facts": _facts(case),
        "source_type": "SOURCE_VOLUNTARY",
        # Detection is the model's; the suspension is a moderator's decision.
        "automated_detection": "Yes",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": puid(platform_slug, case),
    }


def statements(content: Any) -> dict[str, Any]:
    """Every confirmed case in the register, in the multiple-statement payload shape."""
    slug = _PUID_UNSAFE.sub("-", content.meta["platform_name"].encode("ascii", "ignore").decode())
    slug = slug.strip("-").lower()[:40] or "platform"
    as_of = content.meta["run"]["as_of"]
    confirmed = [c for c in content.cases if c["decision"] == "confirm" and c["decided_at"]]
    return {"statements": [statement(c, platform_slug=slug, as_of=as_of) for c in confirmed]}


def validate_statements(document: dict[str, Any]) -> None:
    """Raise ReportError naming the statement and field when one breaks the schema."""
    validator = jsonschema_rs.Draft202012Validator(statement_schema())
    for index, item in enumerate(document.get("statements", [])):
        error = first_schema_error(validator, item)
        if error is not None:
            where, message = error
            raise ReportError(
                f"DSA statement {index} ({item.get('puid')}): {where or '(statement)'}: {message}"
            )
