"""JSON, encoded one way everywhere in the application.

UTF-8 text with Chinese unescaped, NaN and infinities as null (not valid JSON; PostgreSQL
rejects them), numpy values as plain numbers, timestamps as ISO 8601. orjson does it in C, which
matters when a run writes a JSON document per account. The audit chain is the one exception:
it hashes ``canonical_json``, whose bytes must not change under rows already chained.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import orjson

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


def _plain(value: Any) -> Any:
    """What orjson does not know: pandas timestamps, numpy scalars orjson leaves, paths."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"a value of type {type(value).__name__} cannot be written as JSON")


def json_bytes(
    value: Any, *, pretty: bool = False, sort_keys: bool = False, utc_z: bool = False
) -> bytes:
    """``value`` as UTF-8 JSON (``utc_z``: UTC times end in "Z", as pydantic writes them)."""
    options = _OPTIONS | (orjson.OPT_INDENT_2 if pretty else 0)
    options |= (orjson.OPT_SORT_KEYS if sort_keys else 0) | (orjson.OPT_UTC_Z if utc_z else 0)
    return orjson.dumps(value, default=_plain, option=options)


def json_text(value: Any, *, pretty: bool = False) -> str:
    """``value`` as JSON text."""
    return json_bytes(value, pretty=pretty).decode()


def json_column(value: Any) -> str | None:
    """Text for a JSON column or cell: None (or a missing float) stays missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, list) and not value:
        return "[]"  # most accounts fire no indicator
    return json_text(value)


def _finite(value: Any) -> Any:
    """NaN and infinities (anywhere in the value) as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return _finite(value.item())
    if hasattr(value, "tolist"):
        return _finite(value.tolist())
    return value


def canonical_json(value: Any) -> str:
    """Deterministic JSON (sorted keys, no spaces, Python's float text): what the audit chain
    hashes. Kept on the standard library: entries chained before must verify byte for byte."""
    return json.dumps(
        _finite(value),
        ensure_ascii=False,
        allow_nan=False,
        sort_keys=True,
        separators=(",", ":"),
        default=_plain,
    )
