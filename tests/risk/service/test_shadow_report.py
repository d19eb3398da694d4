"""The regulator report's champion-vs-challenger section, checked on the rendered HTML and PDF
text in both languages against the comparison and the audit log (risk.report.champion)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from risk.report.champion import champion_section
from risk.report.export import export_report
from risk.report.keys import pseudonym, reviewer_salt
from risk.service.models import recalibrate_challenger
from risk.service.shadow import compare_models, promote_challenger, shadow_run
from tests.api.conftest import world_settings
from tests.api.world import World

WHY = "bands match what moderators confirm (precision per band at target)"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_report_shows_band_changes_agreement_precision_and_the_promotion(
    decided: tuple[World, Engine], tmp_path: Path
) -> None:
    world, engine = decided
    settings = world_settings(world, tmp_path / "home")
    # neither a shadow run nor a promotion: the section is left out
    assert champion_section(engine, run_id=world.run_id, lang="en", until=None, alias=str) is None
    made = recalibrate_challenger(engine=engine, settings=settings, actor="ops")
    assert shadow_run(settings=settings, run_id=world.run_id) is not None
    result = compare_models(engine=engine, run_id=world.run_id)
    promote_challenger(engine=engine, settings=settings, actor="lead.wu", reason=WHY)
    changes = {
        (before, after): n
        for before, row in result.band_changes.items()
        for after, n in row.items()
        if before != after
    }
    assert result.changed_band == sum(changes.values()) > 0  # the premise: bands moved
    keys = tmp_path / "keys"
    texts: dict[str, tuple[str, str]] = {}
    for lang in ("en", "zh"):
        out = tmp_path / f"report-{lang}"
        export_report(
            engine=engine,
            tracking_uri=world.tracking_uri,
            run_id=world.run_id,
            out_dir=out,
            keys_dir=keys,
            platform_name="Test platform",
            lang=lang,  # type: ignore[arg-type]
            formats=("html", "pdf"),
        )
        html = (out / "report.html").read_text(encoding="utf-8")
        texts[lang] = (_flat(re.sub(r"<[^>]+>", " ", html)), _flat(_pdf_text(out / "report.pdf")))
    promoter = pseudonym("lead.wu", reviewer_salt(keys))
    version = f"mlm-risk/{made.version.version}"  # type: ignore[union-attr]
    share = {m: f"{result.precision_at_k[m]:.1%}" for m in ("champion", "challenger")}
    agreement = {m: f"{result.agreement[m]:.1%}" for m in ("champion", "challenger")}
    (before, after), moved = max(changes.items(), key=lambda item: item[1])
    english_bands = {"low": "low", "medium": "medium", "high": "high", "critical": "critical"}
    chinese_bands = {"low": "低", "medium": "中", "high": "高", "critical": "极高"}
    for lang, bands, words in (
        ("en", english_bands, ("Championandchallengermodels", "Accountsthatchangeband",
                               f"Precisionamongthetop{result.k}decidedaccounts",
                               "Promotions(auditlog)")),
        ("zh", chinese_bands, ("现行模型与候选模型对比", "风险等级发生变化的账户",
                               f"已处置账户中评分前{result.k}名的精确率",
                               "模型晋升记录（审计日志）")),
    ):  # fmt: skip
        for rendered in texts[lang]:
            for phrase in (
                *words,
                f"{result.changed_band:,}",
                f"{bands[before]}{bands[after]}{moved:,}",  # the largest band change's row
                share["champion"],
                share["challenger"],
                agreement["champion"],
                agreement["challenger"],
                version,
                promoter,
                _flat(WHY),
                world.run_id,
            ):
                assert phrase in rendered, (lang, phrase)
            assert "lead.wu" not in rendered  # promoters under the report's pseudonyms
    # the figures sit in the champion / challenger columns in that order
    html_en = texts["en"][0]
    row = f"Precisionamongthetop{result.k}decidedaccounts{share['champion']}{share['challenger']}"
    assert row in html_en


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_comparison_but_a_promotion_still_lists_who_promoted(lang: str) -> None:
    from risk.report.champion import figure_rows, intro

    section = {"comparison": None, "band_changes": [], "promotions": [{"by": "R-1"}]}
    assert figure_rows(section, lang) == []  # type: ignore[arg-type]
    expected = {"en": "No shadow run has been compared yet.", "zh": "尚无影子评分对比。"}[lang]
    assert intro(section, lang) == expected  # type: ignore[arg-type]
