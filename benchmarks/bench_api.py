"""Benchmark: the moderator API under load on loopback, beside `mlflow models serve`.

    uv run python benchmarks/bench_api.py [--accounts 100000] [--workdir /tmp/bench_api]
        [--duration 10] [--connections 16] [--workers 2]

Builds (once, kept in the work dir) a simulated platform, a small real model registered
@champion and a published scoring run in a SQLite store under RISK_HOME; starts `risk serve`
and load-tests it with wrk (a Lua script rotates account ids): stored-score lookups
(`GET /v1/accounts/{id}`, each one audited) and on-demand explanations. Then starts
`mlflow models serve --env-manager local` on the same registered model and load-tests its
/invocations with one-row dataframe_split requests. Prints req/s, p50/p99 and the ratio.
Targets: lookups >= 1,000 req/s with p99 < 50 ms; explanation p99 < 100 ms. 127.0.0.1 only.

What one stored lookup does (every guarantee kept): the key is checked against a per-worker
cache (risk.service.keys, 2 s TTL: a revocation through the API is immediate in that worker,
elsewhere within 2 s); then the worker's group-commit thread (risk.store.group_commit) runs
the lookup's SELECT (the latest published run resolved in the same statement, so a newly
published run is seen by the next request; the score; the latest decision) and its audit
append (chain head read + insert) in one write transaction shared with the lookups that arrived
meanwhile, and the response is sent only after that transaction has committed. SQLite runs WAL
with synchronous=NORMAL (risk/store/db.py): a commit survives a killed process; only a power
cut can lose the last commits. Workers take turns on risk.store.gate (flock beside the file)
instead of SQLite's sleeping busy handler. The body is rendered with orjson, tests pin it to
the response model's output.

On 2 cores wrk competes with the server: it runs one thread (-t1). The machine may be shared,
so each line also shows the server's CPU time per request (CPU seconds of all its processes
over the run / requests served): unlike req/s, that does not depend on what else is running.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

LUA_ROTATE = """
local ids = {}
for line in io.lines("%(ids)s") do ids[#ids + 1] = line end
local i = 0
local headers = {["Authorization"] = "Bearer %(key)s"}
function setup(thread) thread:set("offset", math.random(1, #ids)) end
function request()
  i = i + 1
  local id = ids[((i + (offset or 0)) %% #ids) + 1]
  return wrk.format("GET", "/v1/accounts/" .. id .. "%(suffix)s", headers)
end
"""
LUA_POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[%(body)s]==]
"""


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_http(url: str, timeout: float, process: subprocess.Popen[bytes]) -> None:
    """Poll ``url`` until it answers 200 (or fail if the server died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server we started and its children (its own process group), then reap it."""
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def build(workdir: Path, accounts: int) -> Path:
    """The scored world under ``workdir/home`` (built once, reused on later runs)."""
    from tests.api.world import build_world
    from tests.trained_world import build_trained_world

    home = workdir / "home"
    marker = home / "world.json"
    if marker.exists() and json.loads(marker.read_text())["accounts"] == accounts:
        return home
    import shutil

    shutil.rmtree(home, ignore_errors=True)
    started = time.perf_counter()
    trained = build_trained_world(home / "trained", accounts=accounts, seed=21)
    world = build_world(home, trained)
    marker.write_text(json.dumps({"accounts": accounts, "run_id": world.run_id}))
    print(f"built a scored world of {accounts:,} accounts in {time.perf_counter() - started:.0f} s")
    return home


def prepare_inputs(home: Path, workdir: Path) -> tuple[str, Path, str]:
    """A moderator key, a file of account ids and a one-row dataframe_split body."""
    import secrets

    import pandas as pd

    from risk.store.db import open_store
    from risk.store.keys import create_key
    from risk.store.runs import latest_published_run
    from risk.store.scores import scores_frame

    engine = open_store(f"sqlite:///{home / 'risk.db'}")
    key, _ = create_key(engine, role="moderator", name=f"bench-{secrets.token_hex(4)}")
    run = latest_published_run(engine)
    assert run is not None
    frame = scores_frame(engine, run.id)
    engine.dispose()
    ids = workdir / "ids.txt"
    ids.write_text("\n".join(frame["account_id"].sample(frac=1.0, random_state=1)) + "\n")
    import mlflow

    # The registered model's own inputs (the feature registry may have moved on since).
    mlflow.set_tracking_uri(f"sqlite:///{home / 'mlflow.db'}")
    signature = mlflow.models.get_model_info("models:/mlm-risk@champion").signature
    assert signature is not None
    names = signature.inputs.input_names()
    features = pd.DataFrame([frame["features"].iloc[0]])[names].astype("float64")
    body = {"dataframe_split": json.loads(features.to_json(orient="split", index=False))}
    return key, ids, json.dumps(body)


def group_cpu_seconds(group: int) -> float:
    """User + system CPU seconds of the live processes in a process group (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            # Fields after the ")" closing the command name: state ppid pgrp ... utime stime.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:
                total += int(fields[11]) + int(fields[12])
    return total / ticks


def wrk(
    url: str, script: Path | None, duration: int, connections: int, server_group: int
) -> dict[str, float]:
    """Run wrk once (one thread, bounded); req/s, latency percentiles (ms), server CPU/request."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "5s"]
    command += ["--latency", url]
    if script is not None:
        command[-1:-1] = ["-s", str(script)]
    cpu_before = group_cpu_seconds(server_group)
    out = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 30
    ).stdout
    cpu = group_cpu_seconds(server_group) - cpu_before
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    assert rps is not None and done is not None, out
    result = {"rps": float(rps.group(1)), "cpu_ms": 1000 * cpu / max(int(done.group(1)), 1)}
    for pct in ("50", "90", "99"):
        match = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", out)
        assert match is not None, out
        value, unit = float(match.group(1)), match.group(2)
        result[f"p{pct}"] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = float(errors.group(1)) if errors else 0.0
    return result


def serve_api(home: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """``risk serve`` on a free port, ready."""
    port = free_port()
    env = {**os.environ, "RISK_HOME": str(home)}
    env.pop("MLFLOW_TRACKING_URI", None)
    command = [
        sys.executable,
        "-c",
        "from api.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    wait_http(f"http://127.0.0.1:{port}/ready", 120, process)
    return process, f"http://127.0.0.1:{port}"


def serve_mlflow(home: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """``mlflow models serve`` of the champion on a free port, ready."""
    port = free_port()
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{home / 'mlflow.db'}"}
    # mlflow starts `uvicorn` by name: the venv's bin must be on PATH.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    mlflow = str(Path(sys.executable).with_name("mlflow"))
    command = [
        mlflow,
        "models",
        "serve",
        "-m",
        "models:/mlm-risk@champion",
        "--env-manager",
        "local",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-w",
        str(workers),
    ]
    with (home.parent / "mlflow-serve.log").open("ab") as log:  # its INFO lines, kept aside
        process = subprocess.Popen(
            command, env=env, cwd=home, start_new_session=True, stdout=log, stderr=log
        )
    wait_http(f"http://127.0.0.1:{port}/ping", 180, process)
    return process, f"http://127.0.0.1:{port}"


def show(label: str, result: dict[str, float]) -> None:
    """One line of figures."""
    if result["non_2xx"]:
        print(f"WARNING: {result['non_2xx']:.0f} responses were not 2xx")
    print(
        f"{label:44} {result['rps']:8.0f} req/s   p50 {result['p50']:6.2f} ms   "
        f"p99 {result['p99']:6.2f} ms   server CPU {result['cpu_ms']:5.2f} ms/req",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_api"))
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[2])
    parser.add_argument("--no-peer", action="store_true", help="skip mlflow models serve")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    home = build(args.workdir, args.accounts)
    key, ids, body = prepare_inputs(home, args.workdir)
    lookup, explain, post = (args.workdir / n for n in ("lookup.lua", "explain.lua", "post.lua"))
    lookup.write_text(LUA_ROTATE % {"ids": ids, "key": key, "suffix": ""})
    explain.write_text(LUA_ROTATE % {"ids": ids, "key": key, "suffix": "/explanation"})
    post.write_text(LUA_POST % {"body": body})
    print(f"load average (1, 5, 15 min) at start: {os.getloadavg()} (other work shares the CPUs)")
    print(
        f"cpus {os.cpu_count()}, {args.accounts:,} scored accounts, wrk -t1 "
        f"-c{args.connections} -d{args.duration}s, every lookup audited"
    )
    results: dict[str, dict[str, float]] = {}
    for workers in args.workers:
        process, url = serve_api(home, workers)
        try:
            load = {
                f"health w{workers}": (url + "/health", None, "API /health, no work"),
                f"lookup w{workers}": (url, lookup, "API stored lookup"),
                f"explain w{workers}": (url, explain, "API on-demand explanation"),
            }
            wrk(url, lookup, 2, args.connections, process.pid)  # warm-up
            # /health is the calibration: an endpoint doing nothing, on this machine right now.
            for name, (target, script, label) in load.items():
                results[name] = wrk(target, script, args.duration, args.connections, process.pid)
                show(f"{label} ({workers} worker)", results[name])
        finally:
            stop(process)
    best = max(args.workers, key=lambda w: results[f"lookup w{w}"]["rps"])
    if args.no_peer:
        return
    process, url = serve_mlflow(home, best)
    try:
        wrk(url + "/invocations", post, 2, args.connections, process.pid)
        results["mlflow"] = wrk(
            url + "/invocations", post, args.duration, args.connections, process.pid
        )
        show(f"mlflow models serve /invocations ({best} worker)", results["mlflow"])
    finally:
        stop(process)
    ours = results[f"lookup w{best}"]["rps"]
    peer = results["mlflow"]["rps"]
    explained = results[f"explain w{best}"]["rps"]
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")
    print(
        f"\nthroughput: API lookup {ours:.0f} req/s, API explanation {explained:.0f} req/s, "
        f"mlflow predict {peer:.0f} req/s"
    )
    print(
        f"ratio API lookup / mlflow predict = {ours / peer:.1f}x; "
        f"API explanation / mlflow predict = {explained / peer:.1f}x"
    )
    cpu = {name: results[name]["cpu_ms"] for name in (f"lookup w{best}", "mlflow")}
    print(
        f"server CPU per request: API lookup {cpu[f'lookup w{best}']:.2f} ms, mlflow predict "
        f"{cpu['mlflow']:.2f} ms (ratio {cpu['mlflow'] / cpu[f'lookup w{best}']:.1f}x)"
    )


if __name__ == "__main__":
    main()
