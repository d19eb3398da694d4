"""The report's case-work section: the DSA Art. 15 figures of the period and the statements of
reasons of the actions really taken (``dsa_actions``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from risk.report.dsa_actions import action_statements
from risk.service.cases import actions_for_statements, case_work_figures


def case_work_section(
    engine: Engine, *, since: datetime | None, until: datetime | None, platform_name: str
) -> dict[str, Any]:
    """``{"figures": ..., "statements": {"statements": [...]}}`` for the period."""
    actions = actions_for_statements(engine=engine, since=since, until=until)
    return {
        "figures": case_work_figures(engine=engine, since=since, until=until),
        "statements": action_statements(actions, platform_name=platform_name),
    }
