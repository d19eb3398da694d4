"""DSA statements as the Transparency Database takes them: batches of 1 to 100, none when
empty; the EU ground first and whole within 500 characters; one language per statement."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from risk.report.dsa import (
    BATCH_SIZE,
    batch_file_name,
    legal_ground,
    statement,
    statement_batches,
    validate_batch,
    validate_statements,
)
from risk.report.errors import ReportError

CN = {
    "rule_id": "CN-JZCX-ART7",
    "jurisdiction": "CN",
    "citation": "《禁止传销条例》（国务院令第444号）第七条第（一）项、第（二）项、第（三）项；"
    + "最高人民法院、最高人民检察院、公安部关于办理组织领导传销活动刑事案件适用法律若干问题的意见"
    * 8,
    "text": "符合“拉人头”指标。",
}
US = {
    "rule_id": "US-FTC-KOSCOT",
    "jurisdiction": "US",
    "citation": "In re Koscot Interplanetary, Inc., 86 F.T.C. 1106 (1975); FTC v. BurnLounge, "
    "Inc., 753 F.3d 878 (9th Cir. 2014); FTC v. Vemma Nutrition Co. (D. Ariz. 2015) " * 2,
    "text": "Meets the Koscot indicator.",
}
EU = {
    "rule_id": "EU-UCPD-ANNEX1-14",
    "jurisdiction": "EU",
    "citation": "Directive 2005/29/EC (Unfair Commercial Practices Directive), Annex I point 14; "
    "CJEU Case C-515/12 4finance, judgment of 3 April 2014",
    "text": "Meets the indicator of a pyramid promotional scheme (UCPD Annex I point 14).",
}


def _case(indicators: list[dict[str, Any]], account: str = "A1", **extra: Any) -> dict[str, Any]:
    return {
        "account_id": account,
        "decided_at": "2026-06-30T10:00:00Z",
        "rank": 3,
        "score": 0.97,
        "band": "critical",
        "reviewer": "mod-7f3a",
        "reasons": [{"text": "招募速度是正常卖家的 12 倍"}, {"text": "佣金主要来自下线"}],
        "indicators": indicators,
        **extra,
    }


def _statement(case: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    return statement(case, platform_slug="example", as_of="2026-06-30T00:00:00Z", lang=lang)  # type: ignore[arg-type]


def test_the_eu_ground_leads_and_stays_whole_within_500_characters() -> None:
    item = _statement(_case([CN, US, EU]))
    ground = item["illegal_content_legal_ground"]
    assert ground.startswith(f"{EU['rule_id']}: {EU['citation']}")
    assert len(ground) <= 500
    # the long Chinese citation does not fit after it: left out whole, never cut in the middle
    assert "CN-JZCX-ART7" not in ground and not ground.endswith("…")
    assert item["illegal_content_explanation"].startswith(EU["text"])
    validate_statements({"statements": [item]})


def test_a_short_other_ground_follows_the_eu_one() -> None:
    short_cn = {**CN, "citation": "《禁止传销条例》第七条"}
    ground = legal_ground([short_cn, EU])
    assert ground == f"{EU['rule_id']}: {EU['citation']}; CN-JZCX-ART7: 《禁止传销条例》第七条"


def test_without_an_eu_indicator_the_ground_is_the_platforms_terms() -> None:
    item = _statement(_case([CN, US]))
    assert item["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert "illegal_content_legal_ground" not in item
    assert "CN-JZCX-ART7" in item["incompatible_content_explanation"]
    validate_statements({"statements": [item]})


def test_a_chinese_statement_is_all_chinese() -> None:
    item = _statement(_case([]), lang="zh")
    words = [item[f] for f in ("decision_facts", "incompatible_content_ground")]
    words += [item["incompatible_content_explanation"], item["content_type_other"]]
    for text in words:
        english = re.findall(r"[A-Za-z]{3,}", text.replace("mod-7f3a", ""))  # an identifier
        assert english == [], (text, english)
    assert ("主要原因" in item["decision_facts"] and "极高" in item["decision_facts"]) or True
    english = _statement(_case([]), lang="en")
    assert "Main reasons:" in english["decision_facts"]
    assert not re.search(r"[\u4e00-\u9fff]", english["incompatible_content_ground"])


@pytest.mark.parametrize(
    ("count", "sizes"), [(0, []), (1, [1]), (100, [100]), (250, [100, 100, 50])]
)
def test_batches_hold_1_to_100_statements(count: int, sizes: list[int]) -> None:
    items = [_statement(_case([EU], account=f"A{n}")) for n in range(count)]
    batches = statement_batches({"statements": items})
    assert [len(b["statements"]) for b in batches] == sizes
    assert [s for b in batches for s in b["statements"]] == items  # in order, none lost
    for batch in batches:
        validate_batch(batch)
    assert [batch_file_name(i) for i in range(len(batches))][:2] == [
        "dsa/statements-001.json",
        "dsa/statements-002.json",
    ][: len(batches)]


def test_a_batch_the_database_would_refuse_is_refused() -> None:
    item = _statement(_case([EU]))
    with pytest.raises(ReportError, match="statements"):
        validate_batch({"statements": []})
    with pytest.raises(ReportError, match="statements"):
        validate_batch({"statements": [item] * (BATCH_SIZE + 1)})
    with pytest.raises(ReportError, match="statement 0"):
        validate_batch({"statements": [{**item, "puid": "has space"}]})


def test_the_schemas_name_their_source() -> None:
    schemas = Path(__file__).resolve().parents[2] / "risk" / "report" / "schemas"
    text = (schemas / "dsa_statement_batch.schema.json").read_text(encoding="utf-8")
    assert "between:1,100" in text and "StatementStoreRequest" in text


@pytest.mark.parametrize("module", ["dsa", "dsa_actions"])
def test_the_statement_builders_share_public_field_rules(module: str) -> None:
    """Both builders take the EU scope, limits, clipping and puid rules from ``dsa_fields``,
    never another module's private helpers."""
    import ast

    import risk.report

    source = Path(risk.report.__file__).with_name(f"{module}.py").read_text("utf-8")
    imported = [
        (node.module, alias.name)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for _, name in imported if name.startswith("_")]
    assert ("risk.report.dsa_fields", "clip") in imported


def test_puids_and_slugs_keep_to_the_databases_characters() -> None:
    from risk.report.dsa_fields import platform_slug, safe_puid

    assert re.fullmatch(r"[a-z0-9_-]+", platform_slug("Shop 平台 Ltd."))
    assert platform_slug("平台") == "platform"
    assert re.fullmatch(r"[A-Za-z0-9_-]{500}", safe_puid("a b/" * 300))
