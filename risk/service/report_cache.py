"""Regulator reports built once per run, language, period and state of the decisions, kept
under ``RISK_HOME/reports`` and served from there at once.

A report lists what the platform did (the decisions), so a cached report is keyed by the
decisions' version too: a new decision makes the next request build a fresh one (and the older
copy of that run and language is dropped). Builds of one key are serialised by a lock file, in
one worker and across workers: a request that arrives while the start-up warm-up builds the
same report waits for it instead of building it twice. The bundle is the whole signed
directory, zipped on request.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from risk.report.content import Period, resolve_run
from risk.report.download import DownloadFormat, ReportDownload, download_from
from risk.report.errors import ReportRunNotFoundError
from risk.report.export import export_run_report
from risk.settings import Settings
from risk.store.decisions import decisions_version
from risk.vocab import LANGS, Lang

log = logging.getLogger(__name__)


@contextmanager
def _building(root: Path, stem: str) -> Iterator[None]:
    """Hold the build lock of one report key: a lock file under ``root`` (``flock``), which
    serialises the threads of a worker and the workers of ``risk serve --workers N`` alike."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / f".{stem}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _stem(run_id: str, lang: Lang, period: Period) -> str:
    span = period.to_dict()
    return f"{run_id}-{lang}-{span['from'] or 'start'}-{span['to'] or 'end'}"


def cached_report_dir(
    settings: Settings, engine: Engine, *, run_id: str, lang: Lang, period: Period
) -> tuple[str, Path]:
    """The run id ("latest" resolved) and the directory of its full signed report in ``lang``
    for ``period`` as the decisions stand now, built on the first request."""
    resolved = resolve_run(engine, run_id).id
    stem = _stem(resolved, lang, period)
    root = settings.home / "reports"
    with _building(root, stem):
        directory = root / f"{stem}-{decisions_version(engine)}"
        if not (directory / "manifest.json").exists():
            export_run_report(
                settings,
                engine,
                run_id=resolved,
                out_dir=directory,
                period=period,
                lang=lang,
                overwrite=True,
            )
            for older in root.glob(f"{stem}-*"):  # a new decision made them stale
                if older != directory and older.is_dir():
                    shutil.rmtree(older, ignore_errors=True)
    return resolved, directory


def cached_download(
    settings: Settings,
    engine: Engine,
    *,
    run_id: str,
    format: DownloadFormat,
    period: Period,
    lang: Lang,
) -> ReportDownload:
    """One format of the run's cached report (built now if it is not yet)."""
    resolved, directory = cached_report_dir(
        settings, engine, run_id=run_id, lang=lang, period=period
    )
    return download_from(directory, run_id=resolved, lang=lang, format=format)


def warm_reports(settings: Settings, engine: Engine) -> None:
    """Build the latest published run's reports in every language (the API starts this in the
    background so that the first regulator's request is answered at once), at the lowest CPU
    priority: requests come first. Workers of one server wait on the same lock file, so the
    reports are built once, not once per worker."""
    with contextlib.suppress(OSError, AttributeError):  # Linux: a thread is a task
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    for lang in LANGS:
        try:
            cached_report_dir(settings, engine, run_id="latest", lang=lang, period=Period())
        except ReportRunNotFoundError:
            return  # nothing published yet: nothing to build, nothing wrong
        except Exception:
            log.warning("report warm-up (%s) failed", lang, exc_info=True)
            return
