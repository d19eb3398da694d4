"""The decisions export (JSON or CSV)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from api.deps import AuthorizedKey, EngineDep, StateDep
from api.roles import PSEUDONYMOUS_ROLES
from api.schemas import DecisionOut
from risk.service.decisions import list_decisions
from risk.service.readers import decisions_as_seen
from risk.service.reports import spreadsheet_safe

router = APIRouter(tags=["decisions"])


def _csv(rows: list[dict[str, Any]]) -> str:
    """CSV text with a header (UTF-8 text; Chinese notes kept as they are)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(DecisionOut.model_fields))
    writer.writeheader()
    writer.writerows({name: spreadsheet_safe(value) for name, value in row.items()} for row in rows)
    return buffer.getvalue()


@router.get(
    "/v1/decisions",
    response_model=list[DecisionOut],
    responses={
        200: {
            "description": "The decisions: JSON, or CSV with a header row (`format=csv`,"
            " spreadsheet formulas neutralised).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def export_decisions(
    key: AuthorizedKey,
    engine: EngineDep,
    state: StateDep,
    since: datetime | None = None,
    until: datetime | None = None,
    account_id: Annotated[str | None, Query(max_length=200)] = None,
    format: Literal["json", "csv"] = "json",
) -> Any:
    """Every decision in the order made, optionally in [since, until) or for one account.
    Regulators read reviewers as pseudonyms and no notes."""
    decisions = decisions_as_seen(
        list_decisions(engine=engine, since=since, until=until, account_id=account_id),
        pseudonymous=key.role in PSEUDONYMOUS_ROLES,
        settings=state.settings,
    )
    rows = [d.to_dict() for d in decisions]
    if format == "csv":
        return Response(_csv(rows), media_type="text/csv; charset=utf-8")
    return rows
