"""Column types and JSON encoding shared by every table of the store."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes: an unzoned time is a bug here, not a guess to make."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to the store; use UTC")
        converted = value.astimezone(UTC)
        # SQLite stores the text as given; drop the zone so every row sorts as plain ISO text.
        return converted.replace(tzinfo=None) if dialect.name == "sqlite" else converted

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to what SQLite returns naive; convert what PostgreSQL returns zoned."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time in UTC, to the microsecond (both databases keep microseconds)."""
    return datetime.now(UTC)


def _json_default(value: Any) -> Any:
    """Encode numpy scalars/arrays and timestamps that the json module does not know."""
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 0) == 0:
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"value of type {type(value).__name__} cannot be stored as JSON")


def _finite(value: Any) -> Any:
    """Replace NaN and infinities (not valid JSON; PostgreSQL rejects them) by null."""
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


def dumps_json(value: Any) -> str:
    """Serialize for a JSON column: UTF-8 text unescaped (中文 stays readable), NaN -> null."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, default=_json_default)
    except ValueError:
        # Rare path: a missing feature value (NaN) somewhere; clean the whole value once.
        return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False)


def canonical_json(value: Any) -> str:
    """Deterministic JSON (sorted keys, no spaces): what the audit chain hashes."""
    return json.dumps(
        _finite(value),
        ensure_ascii=False,
        allow_nan=False,
        sort_keys=True,
        separators=(",", ":"),
        default=_json_default,
    )
