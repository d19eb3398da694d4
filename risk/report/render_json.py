"""The report as one JSON document (UTF-8, Chinese unescaped, keys in a fixed order)."""

from __future__ import annotations

from typing import Any

from risk.jsontext import json_bytes
from risk.report.content import ReportContent


def dumps(document: Any) -> bytes:
    """Readable JSON bytes ending in a newline: the same document always gives the same bytes."""
    return json_bytes(document, pretty=True) + b"\n"


def render_json(content: ReportContent) -> bytes:
    """``report.json``."""
    return dumps(content.to_dict())
