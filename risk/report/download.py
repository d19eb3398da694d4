"""One report of a published run as a single download (a format, or the whole signed bundle)."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import Engine

from risk.report.content import Period
from risk.report.export import FORMATS, export_run_report
from risk.vocab import Lang

if TYPE_CHECKING:
    from risk.settings import Settings

DownloadFormat = Literal["pdf", "html", "json", "csv", "bundle"]
# The file served for each single format (the bundle is the whole directory, zipped).
_SINGLE_FILES = {
    "pdf": ("report.pdf", "application/pdf"),
    "html": ("report.html", "text/html; charset=utf-8"),
    "json": ("report.json", "application/json"),
    "csv": ("case_register.csv", "text/csv; charset=utf-8"),
}

# What each download is, as HTTP says it (the media type, without parameters).
DOWNLOAD_MEDIA_TYPES: dict[str, str] = {
    **{format: media.split(";")[0] for format, (_, media) in _SINGLE_FILES.items()},
    "bundle": "application/zip",
}


@dataclass(frozen=True)
class ReportDownload:
    """The bytes to send, what they are and the file name to save them under."""

    body: bytes
    media_type: str
    filename: str


def zipped(directory: Path, root: str) -> bytes:
    """Every file under ``directory`` in a zip, under the folder ``root``, in a fixed order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            archive.write(path, f"{root}/{path.relative_to(directory).as_posix()}")
    return buffer.getvalue()


def report_download(
    settings: Settings,
    engine: Engine,
    *,
    run_id: str,
    format: DownloadFormat,
    period: Period,
    lang: Lang,
) -> ReportDownload:
    """Build the run's report now and return one format of it, or the signed bundle.

    A single file carries no signature; the bundle holds every format with ``manifest.json``,
    ``manifest.sig`` and ``public_key.pem``, so a regulator can run ``risk report verify`` on
    what they received.
    """
    formats = FORMATS if format == "bundle" else (format,)
    with tempfile.TemporaryDirectory(prefix="risk-report-download-") as scratch:
        out = Path(scratch) / "report"
        export_run_report(
            settings, engine, run_id=run_id, out_dir=out, period=period, lang=lang, formats=formats
        )
        return download_from(out, run_id=run_id, lang=lang, format=format)


def download_from(
    directory: Path, *, run_id: str, lang: Lang, format: DownloadFormat
) -> ReportDownload:
    """One format (or the signed bundle, zipped) of a report directory already built."""
    stem = f"report-{run_id}-{lang}"
    if format == "bundle":
        return ReportDownload(zipped(directory, stem), "application/zip", f"{stem}.zip")
    name, media_type = _SINGLE_FILES[format]
    suffix = name.rsplit(".", 1)[1]
    return ReportDownload((directory / name).read_bytes(), media_type, f"{stem}.{suffix}")
