"""Export a report directory atomically: every format, the charts, DSA statements, the schemas,
the public key and the signed manifest, built in a temporary directory and renamed into place.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Collection
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
from sqlalchemy import Engine

from risk.report.content import Period, ReportContent
from risk.report.dsa import batch_file_name, statement_batches, statements, validate_batch
from risk.report.errors import ReportError, ReportInputError
from risk.report.render_csv import render_case_csv, render_summary_csv
from risk.report.render_html import render_html
from risk.report.render_json import dumps
from risk.report.schema_check import first_schema_error
from risk.store.anchors import head_anchor
from risk.vocab import LANGS, Lang

if TYPE_CHECKING:
    from risk.settings import Settings

FORMATS = ("pdf", "html", "json", "csv")
SCHEMA_FILES = (
    "report.schema.json",
    "dsa_statement.schema.json",
    "dsa_statement_batch.schema.json",
)
FORMAT_FILES = {
    "pdf": ("report.pdf",),
    "html": ("report.html",),
    "json": ("report.json",),  # and dsa/statements-NNN.json, one per 100 confirmed decisions
    "csv": ("case_register.csv", "summary.csv"),
}


@lru_cache(maxsize=1)
def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``report.json``."""
    text = resources.files("risk.report").joinpath("schemas", SCHEMA_FILES[0]).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _report_validator() -> Any:
    return jsonschema_rs.Draft202012Validator(report_schema())


def validate_report(document: dict[str, Any]) -> None:
    """Raise ReportError naming the first place where ``report.json`` breaks its schema."""
    error = first_schema_error(_report_validator(), document)
    if error is not None:
        where, message = error
        raise ReportError(f"report.json breaks its schema at {where or '(document)'}: {message}")


def _check_request(out_dir: Path, lang: str, formats: Collection[str], overwrite: bool) -> None:
    """Refuse bad requests before any work is done."""
    if lang not in LANGS:
        raise ReportInputError(f"--lang must be one of {', '.join(LANGS)}, got {lang!r}")
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ReportInputError(f"formats must be among {', '.join(FORMATS)}, got {unknown}")
    if out_dir.exists() and not out_dir.is_dir():
        raise ReportInputError(f"--out {out_dir} exists and is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not overwrite:
        raise ReportInputError(f"--out {out_dir} is not empty (use --overwrite to replace it)")


def _dsa_statements(content: ReportContent) -> dict[str, Any]:
    """The statements of the actions really taken (case work); the per-decision ones where the
    period has no action (decisions recorded account by account, before case work)."""
    from_actions = None if content.case_work is None else content.case_work["statements"]
    if from_actions and from_actions["statements"]:
        return dict(from_actions)
    return statements(content)


def write_files(
    directory: Path, content: ReportContent, formats: Collection[str], key_fingerprint: str
) -> None:
    """Render the asked formats (and the charts they show) into ``directory``."""
    if "json" in formats:
        document = content.to_dict()
        validate_report(document)
        batches = statement_batches(_dsa_statements(content))
        for batch in batches:
            validate_batch(batch)
        (directory / "report.json").write_bytes(dumps(document))
        for index, batch in enumerate(batches):  # none when nothing was confirmed
            path = directory / batch_file_name(index)
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(dumps(batch))
        if content.case_work is not None:
            (directory / "case_work.json").write_bytes(dumps(content.case_work["figures"]))
        schemas = directory / "schemas"
        schemas.mkdir()
        for name in SCHEMA_FILES:
            source = resources.files("risk.report").joinpath("schemas", name)
            (schemas / name).write_bytes(source.read_bytes())
    if "csv" in formats:
        (directory / "case_register.csv").write_bytes(render_case_csv(content))
        (directory / "summary.csv").write_bytes(render_summary_csv(content))
    if {"pdf", "html"} & set(formats):
        # lazy: matplotlib (~1 s): the API imports this module at start-up; only charts need it
        from risk.report.charts import render_charts

        charts = render_charts(content)
        chart_dir = directory / "charts"
        chart_dir.mkdir()
        for name, data in charts.items():
            (chart_dir / name).write_bytes(data)
        if "html" in formats:
            html = render_html(content, charts, key_fingerprint=key_fingerprint)
            (directory / "report.html").write_bytes(html)
        if "pdf" in formats:
            # lazy: reportlab (~0.5 s): the API imports this module at start-up; only PDFs need it
            from risk.report.render_pdf_register import render_pdf

            pdf = render_pdf(content, charts, key_fingerprint=key_fingerprint)
            (directory / "report.pdf").write_bytes(pdf)


def _move_into_place(built: Path, out_dir: Path) -> None:
    """Rename the finished directory to ``out_dir`` (an old one is replaced only at the end)."""
    if out_dir.is_dir():
        old = out_dir.with_name(f".{out_dir.name}.old-{built.name}")
        out_dir.rename(old)
        built.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        built.rename(out_dir)


def export_report(
    *,
    engine: Engine,
    tracking_uri: str,
    run_id: str,
    out_dir: Path,
    keys_dir: Path,
    platform_name: str,
    period: Period | None = None,
    lang: Lang = "en",
    formats: Collection[str] = FORMATS,
    generated_at: datetime | None = None,
    overwrite: bool = False,
    currency: str | None = None,
) -> list[Path]:
    """Build the report of a published run into ``out_dir``; returns every file written."""
    # lazy: MLflow, scikit-learn (~3 s), cryptography (~0.1 s): the API imports this at start-up
    from risk.report.assemble import build_content
    from risk.report.keys import key_fingerprint, reviewer_salt, signing_key
    from risk.report.manifest import write_manifest

    out_dir = Path(out_dir)
    _check_request(out_dir, lang, formats, overwrite)
    key = signing_key(keys_dir)
    moment = (generated_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    content = build_content(
        engine=engine,
        tracking_uri=tracking_uri,
        run_id=run_id,
        period=period or Period(),
        lang=lang,
        platform_name=platform_name,
        reviewer_salt=reviewer_salt(keys_dir),
        generated_at=moment,
        currency=currency,
    )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        write_files(built, content, formats, key_fingerprint(key.public_key()))
        head = head_anchor(engine)
        write_manifest(
            built,
            key,
            run_id=content.meta["run"]["id"],
            generated_at=content.meta["generated_at"],
            audit_head=None if head is None else head.to_json(reason="report"),
        )
        built.chmod(0o755)
        _move_into_place(built, out_dir)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(built)
        raise
    return sorted(p for p in out_dir.rglob("*") if p.is_file())


def export_run_report(
    settings: Settings,
    engine: Engine,
    *,
    run_id: str,
    out_dir: Path,
    period: Period | None = None,
    lang: Lang = "en",
    formats: Collection[str] = FORMATS,
    overwrite: bool = False,
) -> list[Path]:
    """``export_report`` with the MLflow store, signing keys, platform name and currency of
    ``settings``."""
    return export_report(
        engine=engine,
        tracking_uri=settings.tracking_uri,
        run_id=run_id,
        out_dir=out_dir,
        keys_dir=settings.keys_dir,
        platform_name=settings.platform_name,
        period=period,
        lang=lang,
        formats=formats,
        overwrite=overwrite,
        currency=settings.currency,
    )
