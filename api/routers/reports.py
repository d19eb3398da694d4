"""Regulator audit reports over HTTP: one format of a published run's report, freshly built."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import AuthorizedKey, EngineDep, StateDep

router = APIRouter(tags=["reports"])

ReportFormat = Literal["pdf", "html", "json", "csv"]
_FILES = {
    "pdf": ("report.pdf", "application/pdf"),
    "html": ("report.html", "text/html; charset=utf-8"),
    "json": ("report.json", "application/json"),
    "csv": ("case_register.csv", "text/csv; charset=utf-8"),
}


@router.get("/v1/reports/{run_id}", response_class=Response)
def get_report(
    run_id: str,
    key: AuthorizedKey,
    state: StateDep,
    engine: EngineDep,
    format: Annotated[ReportFormat, Query(description="pdf, html, json or csv")] = "pdf",
    lang: Annotated[Literal["en", "zh"], Query()] = "en",
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    """The audit report of a published run ("latest" for the newest) in one format."""
    from risk.report.content import Period
    from risk.report.export import export_run_report
    from risk.store.audit import append_audit

    settings = state.settings
    name, media_type = _FILES[format]
    with tempfile.TemporaryDirectory(prefix="risk-report-api-") as scratch:
        out = Path(scratch) / "report"
        export_run_report(
            settings,
            engine,
            run_id=run_id,
            out_dir=out,
            period=Period(date_from, date_to),
            lang=lang,
            formats=(format,),
        )
        body = (out / name).read_bytes()
    append_audit(
        engine,
        actor=key.name,
        action="report.fetch",
        target=run_id,
        details={"format": format, "lang": lang},
    )
    suffix = name.rsplit(".", 1)[1]
    return Response(
        content=body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="report-{run_id}-{lang}.{suffix}"'},
    )
