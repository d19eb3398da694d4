"""The champion resolved once for all workers of ``risk serve``, before they load it.

Importing MLflow costs a worker about as much CPU as the rest of its start-up (it pulls in
its GenAI, tracing and data modules) only to turn ``NAME@ALIAS`` into a version and a folder
of files. ``risk serve`` therefore resolves the champion once and writes ``champion.json`` into
a private directory named by :data:`CHAMPION_DIR_VARIABLE`; the workers build their scorer from
those files (:mod:`risk.service.champion`) and never import MLflow. Every worker serves the
same version: the alias is read once per server start.

A local registry (SQLite, artifacts on this disk) is read in the server process itself, in
milliseconds and without MLflow (:func:`models.registry_files.local_model_files`). Any other
registry is asked by a resolver process of its own, beside the workers, as the nightly job asks
it; that process ends as soon as its answer is written (MLflow's exit handlers would keep it
on a core the starting workers need). This module stays light: the supervisor imports it
before it starts anything.

    python -m risk.service.champion_resolver DIRECTORY      # what the resolver process runs
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from features.errors import ServiceError
from models.registry_files import RegisteredVersion, download_model_files, local_model_files
from risk.settings import Settings, get_settings

CHAMPION_DIR_VARIABLE = "RISK_SERVE_CHAMPION_DIR"  # set by `risk serve` for its workers
RESOLVED = "champion.json"
POLL_SECONDS = 0.05


class ResolveTimeoutError(ServiceError):
    """The resolver gave no answer in time (its watcher answers for a resolver that died)."""

    http_status = 503


def resolved_dir() -> Path | None:
    """The directory `risk serve` resolves the champion into, when this process is its worker."""
    value = os.environ.get(CHAMPION_DIR_VARIABLE)
    return Path(value) if value else None


def _write_resolved(directory: Path, document: dict[str, Any]) -> None:
    """champion.json, written whole or not at all (the workers poll for it)."""
    partial = directory / f".{RESOLVED}.{os.getpid()}.{threading.get_ident()}"
    partial.write_text(json.dumps(document), encoding="utf-8")
    partial.replace(directory / RESOLVED)


def resolve_into(directory: Path, *, settings: Settings) -> None:
    """Ask the registry for the settings' champion and describe its files in champion.json;
    when there is none (or the registry fails), write the reason instead."""
    reference = _reference(settings)
    try:
        registered, files = download_model_files(reference, settings.tracking_uri)
    except ServiceError as error:
        _write_resolved(directory, {"error": error.message})
        return
    except Exception as error:  # a broken registry must not leave the workers waiting
        _write_resolved(directory, {"error": f"resolving {reference} failed: {error!r}"})
        raise
    _write_resolved(directory, _described(registered, files))


def resolve_locally(directory: Path, *, settings: Settings) -> bool:
    """Describe the champion in champion.json straight from a local registry, without MLflow;
    False (nothing written) when the registry is not that simple case."""
    found = local_model_files(_reference(settings), settings.tracking_uri)
    if found is None:
        return False
    _write_resolved(directory, _described(*found))
    return True


def _reference(settings: Settings) -> str:
    return f"{settings.model_name}@{settings.model_alias}"


def _described(registered: RegisteredVersion, files: dict[str, str]) -> dict[str, Any]:
    """champion.json: the registered version and its files (key -> local path)."""
    return {
        "name": registered.name,
        "version": registered.version,
        "run_id": registered.run_id,
        "model_uri": registered.model_uri,
        "files": files,
    }


class Resolver:
    """The resolver process of one server start, and a watcher that answers for it if it
    ends without an answer (killed, out of memory), so that no worker waits for ever."""

    def __init__(self, directory: Path, command: Sequence[str] | None = None) -> None:
        self.directory = directory
        default = [sys.executable, "-m", "risk.service.champion_resolver", str(directory)]
        self.process = subprocess.Popen(list(command or default))
        self._watcher = threading.Thread(target=self._watch, name="champion-resolver", daemon=True)
        self._watcher.start()

    def join(self, timeout_s: float) -> None:
        """Wait until the resolver has ended and its answer is written."""
        self._watcher.join(timeout_s)

    def _watch(self) -> None:
        code = self.process.wait()
        if not (self.directory / RESOLVED).is_file():
            _write_resolved(self.directory, {"error": f"the champion resolver exited with {code}"})

    def stop(self) -> None:
        """End the resolver if it still runs (the server stopped before it answered)."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def start_resolver(directory: Path, *, settings: Settings | None = None) -> Resolver | None:
    """Resolve the champion into ``directory``: at once from a local registry (None: no
    process), else by a resolver process. The caller points its workers at ``directory``
    (:func:`workers_environment`); this function leaves the process's environment alone."""
    if resolve_locally(directory, settings=settings or get_settings()):
        return None
    return Resolver(directory)


def workers_environment(directory: Path) -> dict[str, str]:
    """What the server's workers need in their environment to load the resolved champion:
    uvicorn's workers inherit the environment of ``risk serve``, its only way to pass them
    anything."""
    return {CHAMPION_DIR_VARIABLE: str(directory)}


def wait_for_resolved(directory: Path, *, timeout_s: float) -> dict[str, Any]:
    """The resolver's champion.json, once it is there."""
    deadline = time.monotonic() + timeout_s
    path = directory / RESOLVED
    while not path.is_file():
        if time.monotonic() > deadline:
            raise ResolveTimeoutError(f"the champion was not resolved within {timeout_s:.0f} s")
        time.sleep(POLL_SECONDS)
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def main() -> None:
    """The resolver process: ``python -m risk.service.champion_resolver DIRECTORY``. It ends
    the moment champion.json is written: MLflow's exit handlers (its tracing and async
    logging threads) would otherwise hold a core for seconds while the workers start."""
    resolve_into(Path(sys.argv[1]), settings=get_settings())
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
