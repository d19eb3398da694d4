"""The report as one self-contained HTML page (Jinja2 template, charts inlined as PNG)."""

from __future__ import annotations

import base64
from collections.abc import Mapping

from jinja2 import Environment, PackageLoader, select_autoescape

from risk.report import champion
from risk.report.case_work_text import case_work_heading, case_work_lines
from risk.report.content import ReportContent
from risk.report.i18n import BAND_NAMES, LABELS, pruned_note
from risk.service.accounts import score_text


def _environment() -> object:
    environment = Environment(
        loader=PackageLoader("risk.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["score"] = score_text
    return environment


def _champion(content: ReportContent) -> dict[str, object]:
    """What champion.html.j2 reads (``champion`` None: the section is left out)."""
    section, lang = content.champion, content.lang
    if section is None:
        return {"champion": None}
    return {
        "champion": section,
        "s": section,
        "w": champion.words(lang),
        "intro": champion.intro(section, lang),
        "figures": champion.figure_rows(section, lang),
    }


def render_html(
    content: ReportContent, charts: Mapping[str, bytes], *, key_fingerprint: str
) -> bytes:
    """``report.html``: every section; the case register in full."""
    environment = _environment()
    template = environment.get_template("report.html.j2")  # type: ignore[attr-defined]
    lang = content.lang
    images = {name: base64.b64encode(data).decode("ascii") for name, data in charts.items()}
    document = content.to_dict()
    page = template.render(
        c=document,
        pruned=pruned_note(document["meta"]["run"], lang),
        t={key: words[lang] for key, words in LABELS.items()},
        bands={band: names[lang] for band, names in BAND_NAMES.items()},
        lang=lang,
        charts=images,
        key_fingerprint=key_fingerprint,
        case_work_heading=case_work_heading(lang),
        case_work=case_work_lines(content.case_work, lang),
        **_champion(content),
    )
    return str(page).encode("utf-8")
