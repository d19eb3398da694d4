"""Regulator reports of a published run: exported to a directory (the CLI), or one format
fetched (the API; the fetch is audited)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from risk.report.content import Period
from risk.report.download import DOWNLOAD_MEDIA_TYPES as DOWNLOAD_MEDIA_TYPES  # the API declares
from risk.report.download import DownloadFormat as DownloadFormat  # the API validates it
from risk.report.download import ReportDownload
from risk.report.export import export_run_report
from risk.report.render_csv import spreadsheet_safe as spreadsheet_safe  # CSV cells, as text
from risk.service.report_cache import cached_download
from risk.settings import Settings
from risk.store.audit import append_audit
from risk.store.db import open_store
from risk.vocab import Lang


def fetch_report(
    *,
    settings: Settings,
    engine: Engine,
    run_id: str,
    format: DownloadFormat,
    date_from: date | None,
    date_to: date | None,
    lang: Lang,
    actor: str,
) -> ReportDownload:
    """The run's report in one format or as the signed bundle, from the report cache (built on
    the first request for its run, language, period and decisions); the fetch is audited."""
    download = cached_download(
        settings,
        engine,
        run_id=run_id,
        format=format,
        period=Period(date_from, date_to),
        lang=lang,
    )
    append_audit(
        engine,
        actor=actor,
        action="report.fetch",
        target=run_id,
        details={"format": format, "lang": lang},
    )
    return download


def export_report(
    *,
    settings: Settings,
    run_id: str,
    out_dir: Path,
    date_from: date | None = None,
    date_to: date | None = None,
    lang: Lang = "en",
    overwrite: bool = False,
) -> list[Path]:
    """Write the run's report (PDF, HTML, JSON, CSV, DSA statements, signed) into ``out_dir``."""
    period = Period(date_from, date_to)  # a bad period is refused before the store is opened
    return export_run_report(
        settings,
        open_store(settings.store_url),
        run_id=run_id,
        out_dir=out_dir,
        period=period,
        lang=lang,
        overwrite=overwrite,
    )
