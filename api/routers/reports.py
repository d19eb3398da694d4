"""Regulator audit reports over HTTP: one format of a published run's report, or the signed
bundle, freshly built."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import AuthorizedKey, EngineDep, StateDep
from api.errors import Responses, error_responses
from risk.service.reports import DOWNLOAD_MEDIA_TYPES, DownloadFormat, fetch_report
from risk.vocab import Lang

router = APIRouter(tags=["reports"])

_TEXT = {"html", "json", "csv"}
_RESPONSES: Responses = {
    200: {
        "description": "The report in the format asked for (a file download).",
        "content": {
            media: {"schema": {"type": "string", **({} if f in _TEXT else {"format": "binary"})}}
            for f, media in DOWNLOAD_MEDIA_TYPES.items()
        },
    },
    **error_responses(
        404,
        409,
        e404="No scoring run with this id (or, for `latest`, no published run yet).",
        e409="The run is not published (still running, or failed): it has no report.",
    ),
}


@router.get("/v1/reports/{run_id}", response_class=Response, responses=_RESPONSES)
def get_report(
    run_id: str,
    key: AuthorizedKey,
    state: StateDep,
    engine: EngineDep,
    format: Annotated[
        DownloadFormat,
        Query(description="pdf, html, json, csv, or bundle: every format signed, as a zip"),
    ] = "pdf",
    lang: Annotated[Lang, Query()] = "en",
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    """The audit report of a published run ("latest" for the newest) in one format (audited)."""
    download = fetch_report(
        settings=state.settings,
        engine=engine,
        run_id=run_id,
        format=format,
        date_from=date_from,
        date_to=date_to,
        lang=lang,
        actor=key.name,
    )
    return Response(
        content=download.body,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )
