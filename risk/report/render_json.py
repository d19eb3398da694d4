"""The report as one JSON document (UTF-8, Chinese unescaped, keys in a fixed order)."""

from __future__ import annotations

import json
from typing import Any

from risk.report.content import ReportContent


def dumps(document: Any) -> bytes:
    """Canonical, readable JSON bytes: the same document always gives the same bytes."""
    return (json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode()


def render_json(content: ReportContent) -> bytes:
    """``report.json``."""
    return dumps(content.to_dict())
