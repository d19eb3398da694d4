"""DSA Art. 17/24(5) statements of reasons for confirmed decisions, in the EU Transparency
Database's statement format, schema-checked, in the batches its API takes.

The rules are those of the public ``digital-services-act/transparency-database`` code:
``StatementStoreRequest`` (one statement: required fields, allowed values, 500/2000/5000
character limits, the puid pattern) and the multiple-statement controller (``statements``:
required, an array of 1 to 100), kept as JSON Schemas in ``schemas/``. A report writes one
batch file per call to make (at most 100 statements each) and none when nothing is confirmed.

Every statement is in one language (the report's), and the legal ground of an EU statement
leads with the EU ground (UCPD Annex I point 14); grounds of other jurisdictions follow only
where they fit whole within the 500 characters. A statement whose only indicators are of law
outside the EU rests on the platform's terms (incompatible content), naming them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema_rs

from risk.report.dsa_fields import EU_MEMBER_STATES, LIMITS, clip, platform_slug, safe_puid
from risk.report.errors import ReportError
from risk.report.i18n import BAND_NAMES
from risk.report.schema_check import first_schema_error
from risk.service.accounts import score_text
from risk.vocab import Lang

SCHEMA_FILE = "dsa_statement.schema.json"
BATCH_SCHEMA_FILE = "dsa_statement_batch.schema.json"
BATCH_SIZE = 100  # the database's multiple-statement call takes 1 to 100
BATCH_DIR = "dsa"  # the report's folder of batch files: statements-001.json, ...
EU = "EU"


# Everything a statement says in words, per language (one language per statement).
WORDS: dict[str, dict[Lang, str]] = {
    "facts": {
        "en": "Account flagged by automated risk scoring (score {score}, band {band}{rank}) and "
        "confirmed by a human moderator ({reviewer}). Main reasons: {reasons}.",
        "zh": "该账户经自动风险评分标记（评分 {score}，风险等级 {band}{rank}），并经人工审核员"
        "（{reviewer}）确认。主要原因：{reasons}。",
    },
    "rank": {"en": ", rank {rank}", "zh": "，排名第 {rank}"},
    "no_reasons": {"en": "none recorded", "zh": "无记录"},
    "reason_separator": {"en": "; ", "zh": "；"},
    "content_type_other": {
        "en": "Seller account and its recruitment and commission activity",
        "zh": "卖家账户及其招募与佣金活动",
    },
    "terms_ground": {
        "en": "Platform seller terms: pyramid-style selling is prohibited",
        "zh": "平台卖家规则：禁止传销式经营",
    },
    "terms_explanation": {
        "en": "The account's network shows the pattern of pyramid-style selling described in the "
        "facts; no statutory indicator of EU law was met.",
        "zh": "该账户所在网络呈现事实部分所述的传销式经营特征；未达到欧盟法律规定的指标。",
    },
    "other_law": {
        "en": " Indicators under law outside the EU were met: {rules}.",
        "zh": " 已达到欧盟以外法律的指标：{rules}。",
    },
}


def _schema(name: str) -> dict[str, Any]:
    text = resources.files("risk.report").joinpath("schemas", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def statement_schema() -> dict[str, Any]:
    """The JSON Schema of one statement (kept in the repo, ``schemas/``)."""
    return _schema(SCHEMA_FILE)


@lru_cache(maxsize=1)
def batch_schema() -> dict[str, Any]:
    """The JSON Schema of one multiple-statement call (``{"statements": [1..100 items]}``)."""
    return _schema(BATCH_SCHEMA_FILE)


def puid(platform_slug: str, case: dict[str, Any]) -> str:
    """Platform-unique id of the statement: platform, account and decision time (safe chars)."""
    stamp = case["decided_at"][:19].replace("-", "").replace(":", "")
    raw = f"{platform_slug}_{case['account_id']}_{stamp}"
    return safe_puid(raw)


def _facts(case: dict[str, Any], lang: Lang) -> str:
    """Facts and circumstances: the score and band, then the model's reasons in words."""
    rank = "" if case["rank"] is None else WORDS["rank"][lang].format(rank=case["rank"])
    score = "n/a" if case["score"] is None else score_text(case["score"])
    band = BAND_NAMES.get(case["band"], {}).get(lang, case["band"])
    reasons = WORDS["reason_separator"][lang].join(r["text"] for r in case["reasons"])
    text = WORDS["facts"][lang].format(
        score=score,
        band=band,
        rank=rank,
        reviewer=case["reviewer"],
        reasons=reasons or WORDS["no_reasons"][lang],
    )
    return clip(text, LIMITS["decision_facts"])


def _eu_first(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """EU indicators first (stable otherwise): an EU statement leads with the EU ground."""
    return sorted(indicators, key=lambda i: i.get("jurisdiction") != EU)


def legal_ground(indicators: list[dict[str, Any]]) -> str:
    """The citations, EU first, each whole: one that would pass the limit is left out (the
    first is clipped only if it alone is longer)."""
    limit = LIMITS["illegal_content_legal_ground"]
    cited = list(dict.fromkeys(f"{i['rule_id']}: {i['citation']}" for i in _eu_first(indicators)))
    text = cited[0]
    for citation in cited[1:]:
        if len(text) + 2 + len(citation) <= limit:
            text += "; " + citation
    return clip(text, limit)


def _grounds(case: dict[str, Any], lang: Lang) -> dict[str, str]:
    """Illegal content when an indicator of EU law was met (its citation first), else the
    platform's terms (naming any indicator of law outside the EU that was met)."""
    indicators = case["indicators"]
    if any(i.get("jurisdiction") == EU for i in indicators):
        texts = " ".join(i["text"] for i in _eu_first(indicators))
        return {
            "decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT",
            "illegal_content_legal_ground": legal_ground(indicators),
            "illegal_content_explanation": clip(texts, LIMITS["illegal_content_explanation"]),
        }
    explanation = WORDS["terms_explanation"][lang]
    if indicators:
        rules = ", ".join(dict.fromkeys(str(i["rule_id"]) for i in indicators))
        explanation += WORDS["other_law"][lang].format(rules=rules)
    return {
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_ground": WORDS["terms_ground"][lang],
        "incompatible_content_explanation": clip(
            explanation, LIMITS["incompatible_content_explanation"]
        ),
        "incompatible_content_illegal": "No",
    }


def statement(
    case: dict[str, Any], *, platform_slug: str, as_of: str, lang: Lang = "en"
) -> dict[str, Any]:
    """One statement of reasons for a confirmed case (an account suspension), in ``lang``."""
    return {
        "decision_account": "DECISION_ACCOUNT_SUSPENDED",
        "account_type": "ACCOUNT_TYPE_BUSINESS",
        **_grounds(case, lang),
        "content_type": ["CONTENT_TYPE_OTHER"],
        "content_type_other": WORDS["content_type_other"][lang],
        "category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "category_specification": ["KEYWORD_PYRAMID_SCHEMES"],
        "territorial_scope": list(EU_MEMBER_STATES),
        "content_date": as_of[:10],
        "application_date": case["decided_at"][:10],
        "decision_facts": _facts(case, lang),
        "source_type": "SOURCE_VOLUNTARY",
        # Detection is the model's; the suspension is a moderator's decision.
        "automated_detection": "Yes",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "puid": puid(platform_slug, case),
    }


def statements(content: Any) -> dict[str, Any]:
    """Every confirmed case in the register, in the multiple-statement payload shape."""
    slug = platform_slug(content.meta["platform_name"])
    as_of = content.meta["run"]["as_of"]
    lang: Lang = content.meta["lang"]
    confirmed = [c for c in content.cases if c["decision"] == "confirm" and c["decided_at"]]
    return {
        "statements": [statement(c, platform_slug=slug, as_of=as_of, lang=lang) for c in confirmed]
    }


def statement_batches(document: dict[str, Any], size: int = BATCH_SIZE) -> list[dict[str, Any]]:
    """The calls to make: ``{"statements": [...]}`` with 1 to ``size`` each; none when empty."""
    items = document.get("statements", [])
    return [{"statements": items[start : start + size]} for start in range(0, len(items), size)]


def batch_file_name(index: int) -> str:
    """``dsa/statements-001.json``: the file of batch ``index`` (from 0), in call order."""
    return f"{BATCH_DIR}/statements-{index + 1:03d}.json"


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


def validate_batch(batch: dict[str, Any]) -> None:
    """Raise ReportError when a batch is not one call the database accepts (1 to 100
    statements, each valid)."""
    error = first_schema_error(jsonschema_rs.Draft202012Validator(batch_schema()), batch)
    if error is not None:
        where, message = error
        raise ReportError(f"DSA statement batch: {where or '(batch)'}: {message}")
    validate_statements(batch)
