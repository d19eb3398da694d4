"""The report as one JSON document (UTF-8, Chinese unescaped, keys in a fixed order)."""

from __future__ import annotations

from typing import Any

from risk.report.content import ReportContent


def dumps(document: Any) -> bytes:
    """Canonical, readable JSON bytes: the same document always gives the same bytes."""
    import orjson

    # orjson: ~15x faster than json.dumps(indent=2) on a register of thousands of cases, same
    # layout. It writes NaN as null; the builders never emit NaN (they map it to None first).
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def render_json(content: ReportContent) -> bytes:
    """``report.json``."""
    return dumps(content.to_dict())
