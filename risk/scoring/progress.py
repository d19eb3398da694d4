"""Progress reporting and per-stage timing (seconds and peak memory) for a scoring run."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


class ProgressReporter(Protocol):
    """Told when a stage starts, how far it got and when it ends (the CLI draws bars)."""

    def start(self, stage: str, total: int | None = None) -> None: ...

    def advance(self, stage: str, amount: int = 1) -> None: ...

    def finish(self, stage: str) -> None: ...


class NullProgress:
    """Reports nothing: library callers, tests and ``--quiet`` / ``--json`` runs."""

    def start(self, stage: str, total: int | None = None) -> None:
        """Ignore the start of a stage."""

    def advance(self, stage: str, amount: int = 1) -> None:
        """Ignore progress."""

    def finish(self, stage: str) -> None:
        """Ignore the end of a stage."""


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (Linux >= 4.0) so each stage gets its own peak."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB since the last reset (VmHWM)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class StageClock:
    """Times each stage and records its peak memory; drives the progress reporter."""

    progress: ProgressReporter = field(default_factory=NullProgress)
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # all threads; wall is shared
    peak_mb: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[None]:
        """Time the block as stage ``name`` (its peak memory too, where the kernel allows)."""
        _reset_peak_rss()
        self.progress.start(name, total)
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] = round(time.perf_counter() - started, 3)
            self.cpu_seconds[name] = round(time.process_time() - cpu_started, 3)
            self.peak_mb[name] = round(peak_rss_mb(), 1)
            self.progress.finish(name)

    def advance(self, name: str, amount: int = 1) -> None:
        """Report progress within a stage."""
        self.progress.advance(name, amount)
