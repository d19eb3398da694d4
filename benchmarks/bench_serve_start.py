"""Benchmark: how long `risk serve` takes to answer /health and to be /ready, with 1 and 2
workers, on a demo home (the 20,000-account world of `risk demo`).

    uv run python benchmarks/bench_serve_start.py [--home /tmp/bench_serve/home] [--repeat 3]
        [--workers 1 2] [--root CHECKOUT]

Builds the demo home once if it is missing (`risk demo --no-serve`, a few minutes), then for
each worker count starts `risk serve` `--repeat` times and polls every 20 ms: the time from
the process start to the first 200 of /health and of /ready (the champion loaded, a run
published). Also counts worker restarts (more worker processes started than asked, or a worker that
died) in the server's log: there must be none.
Prints each start, the median per worker count, and the load average beside every figure:
the machine has 2 cores, often shared. Target (issue 19): ready in < 10 s on a quiet machine.
Beside each wall time, the CPU seconds each server process had used when it was ready (the
worker(s), and the resolver among the server's ended children): on a busy machine these say
what a quiet one would take. `--root` serves another checkout from the same venv, e.g.
`git archive main | tar -x -C /tmp/main` for a before/after on the same home.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from api.cli import bytecode_missing

ROOT = Path(__file__).resolve().parents[1]
WORKER_STARTED = re.compile(r"Started server process \[(\d+)\]")
POLL_SECONDS = 0.02
GIVE_UP_SECONDS = 300.0


@dataclass(frozen=True)
class Start:
    """One measured start of `risk serve`."""

    workers: int
    health_s: float
    ready_s: float
    restarts: int
    load: str
    cpu: dict[str, float]  # CPU seconds per process (worker, resolver) when it was ready


CLOCK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """/proc/PID/stat fields after the command name (field 3 onwards)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def cpu_by_process(server: int) -> dict[str, float]:
    """CPU seconds so far of the server process, its live children (the workers of
    --workers N) and its ended children (the champion resolver, reaped by the server).
    Unlike wall time, these hardly depend on what else the machine runs."""
    fields = _stat(server)
    own, ended = int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
    cpu = {"server": own / CLOCK, "ended children": ended / CLOCK}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                child = _stat(int(entry.name))
            except (OSError, ValueError):
                continue
            if int(child[1]) == server:
                cpu[f"child {entry.name}"] = (int(child[11]) + int(child[12])) / CLOCK
    return cpu


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def status(url: str) -> int | None:
    """The HTTP status of a GET, or None while nothing listens."""
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, urllib.error.URLError):
        return None


def ensure_demo_home(home: Path) -> None:
    """`risk demo --no-serve` into ``home`` unless a model and a run are already there."""
    if (home / "mlflow.db").is_file() and (home / "risk.db").is_file():
        return
    print(f"building the demo home in {home} (risk demo --no-serve)…", flush=True)
    env = {**os.environ, "RISK_HOME": str(home)}
    command = [sys.executable, "-c", "from api.cli import main; main()", "demo", "--no-serve"]
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def measure_start(home: Path, workers: int, root: Path) -> Start:
    """Start `risk serve`, time /health and /ready, stop it, count worker restarts."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "RISK_HOME": str(home)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # `risk serve` makes its own for 2+ workers
    command = [sys.executable, "-c", "from api.cli import main; main()", "serve"]
    command += ["--port", str(port), "--workers", str(workers), "--log-level", "info"]
    with tempfile.TemporaryFile() as log:
        started = time.monotonic()
        server = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=log)
        health = ready = None
        cpu: dict[str, float] = {}
        try:
            while ready is None and time.monotonic() - started < GIVE_UP_SECONDS:
                if server.poll() is not None:
                    break
                if health is None and status(f"{url}/health") == 200:
                    health = time.monotonic() - started
                if health is not None and status(f"{url}/ready") == 200:
                    ready = time.monotonic() - started
                    cpu = cpu_by_process(server.pid)
                time.sleep(POLL_SECONDS)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
        log.seek(0)
        text = log.read().decode(errors="replace")
    if health is None or ready is None:
        raise SystemExit(f"risk serve --workers {workers} never became ready:\n{text}")
    # a restarted worker is a new process: more started processes than workers
    restarts = len(set(WORKER_STARTED.findall(text))) - workers + text.count("died")
    return Start(workers, health, ready, restarts, load_average(), cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, default=Path("/tmp/bench_serve/home"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="checkout to serve (e.g. `git archive main`)"
    )
    args = parser.parse_args()
    home = args.home.resolve()
    ensure_demo_home(home)
    # a worker compiles ~1,450 library modules at each start when they have no bytecode and
    # Python may not write it: about half its start-up CPU (see the README, `risk serve`)
    cached = "no" if bytecode_missing() else "yes"
    print(f"home {home}; serving {args.root}; library bytecode cached: {cached}")
    print(f"load average before: {load_average()}")
    for workers in args.workers:
        starts = [measure_start(home, workers, args.root.resolve()) for _ in range(args.repeat)]
        for start in starts:
            shown = ", ".join(f"{name} {seconds:.1f}" for name, seconds in start.cpu.items())
            print(
                f"workers={workers}  /health {start.health_s:5.2f} s  /ready {start.ready_s:5.2f} s"
                f"  restarts {start.restarts}  load {start.load}\n"
                f"    CPU s at ready: {shown}; total {sum(start.cpu.values()):.1f}",
                flush=True,
            )
        health = statistics.median(start.health_s for start in starts)
        ready = statistics.median(start.ready_s for start in starts)
        print(
            f"workers={workers}  median of {len(starts)}: /health {health:.2f} s, "
            f"/ready {ready:.2f} s; restarts {sum(s.restarts for s in starts)}; "
            f"load {load_average()}",
            flush=True,
        )


if __name__ == "__main__":
    main()
