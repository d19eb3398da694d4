"""Benchmark: the console's default queue page (what GET /console/ computes) on a demo store.

    RISK_HOME=/path/to/demo/home uv run python benchmarks/bench_queue_page.py [--repeats 30]

Copies the demo's SQLite store (a backup; the original is never written), then times the
service call behind the queue page, ``risk.service.queue.queue_view`` with the console's
default filters (flagged, pending, priority order, the exploration plan), for the first page,
the fifth, and the first page again after one decision (which changes what is pending).
Prints median and best per case, the flagged accounts and the load average beside them.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000, min(seconds) * 1000


def main() -> None:
    from risk.service.decisions import record_decision
    from risk.service.exploration import ExplorationPlan
    from risk.service.queue import queue_view
    from risk.settings import Settings
    from risk.store.db import open_store
    from risk.vocab import FLAGGED_BANDS

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    home = Path(os.environ.get("RISK_HOME", ".risk"))
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as scratch:
        copy = Path(scratch) / "risk.db"
        with sqlite3.connect(home / "risk.db") as source, sqlite3.connect(copy) as target:
            source.backup(target)
        settings = Settings.model_validate({"home": str(home), "database_url": f"sqlite:///{copy}"})
        engine = open_store(settings.store_url)
        plan = ExplorationPlan.from_settings(settings)

        def page(offset: int) -> Callable[[], object]:
            return lambda: queue_view(
                engine=engine, plan=plan, limit=50, offset=offset, lang="en", order="priority",
                bands=list(FLAGGED_BANDS), region=None, network_id=None,
                decision_status="pending", roles=None,
            )  # fmt: skip

        first = queue_view(
            engine=engine, plan=plan, limit=50, offset=0, lang="en", order="priority",
            bands=list(FLAGGED_BANDS), region=None, network_id=None, decision_status="pending",
            roles=None,
        )  # fmt: skip
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        print(f"commit {commit}; flagged pending {first.page.flagged_left:,}; "
              f"queue total {first.page.total:,}; repeats {args.repeats}")  # fmt: skip
        for name, offset in (("first page", 0), ("fifth page", 200)):
            median, best = _timed(page(offset), args.repeats)
            load = Path("/proc/loadavg").read_text().split()[:3]
            print(f"{name:<34} median {median:8.1f} ms  best {best:8.1f} ms  load {' '.join(load)}")

        def decide_then_page() -> object:
            top = queue_view(
                engine=engine, plan=plan, limit=1, offset=0, lang="en", order="priority",
                bands=list(FLAGGED_BANDS), region=None, network_id=None,
                decision_status="pending", roles=None,
            ).page.items[0].account_id  # fmt: skip
            record_decision(engine=engine, account_id=top, decision="escalate", note="",
                            reviewer="bench")  # fmt: skip
            return page(0)()

        median, best = _timed(decide_then_page, max(3, args.repeats // 3))
        load = Path("/proc/loadavg").read_text().split()[:3]
        print(f"{'decide, then first page':<34} median {median:8.1f} ms  best {best:8.1f} ms  "
              f"load {' '.join(load)}")  # fmt: skip
        engine.dispose()


if __name__ == "__main__":
    main()
