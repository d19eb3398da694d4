"""What regulators read of case work: the DSA Art. 15 figures of a period and the statements
of reasons of the actions taken in it (the same section the report exports)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from risk.report.case_work import case_work_section


def case_work_report(
    *, engine: Engine, since: datetime | None, until: datetime | None, platform_name: str
) -> dict[str, Any]:
    """``{"figures": ..., "statements": {"statements": [...]}}`` for [since, until)."""
    return case_work_section(engine, since=since, until=until, platform_name=platform_name)
