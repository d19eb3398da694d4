"""The data contract's rule for time: every moment is UTC, and a moment without a zone is UTC."""

from __future__ import annotations

from datetime import datetime

import pandas as pd


def utc(moment: datetime | str) -> pd.Timestamp:
    """``moment`` in UTC (one without a zone is taken as UTC, never as local time)."""
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def utc_iso(moment: datetime | str | None) -> str | None:
    """ISO 8601 text of ``moment`` in UTC (None stays None)."""
    return None if moment is None else utc(moment).isoformat()
