"""``risk demo`` without the serving: the whole flow on a simulated platform, reusing whatever
already exists.

simulate -> train and register -> nightly scoring (which opens the flagged networks' cases) ->
a first moderator's decisions -> regulator report -> demo keys. Serving is
left to the caller (``api.cli`` starts the API after printing where everything is).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from features.validation import read_valid_snapshot
from models.errors import ModelNotFoundError
from models.mlflow_io import load_scorer
from risk.report.export import export_run_report
from risk.scoring import run_scoring
from risk.service.cases import sync_cases_of_published_run
from risk.service.queue import queue_page
from risk.service.training import train_snapshot, training_config
from risk.settings import Settings
from risk.store.db import open_store
from risk.store.decisions import list_decisions, record_decision
from risk.store.keys import create_key
from training.simulator import SimulationConfig, simulate_platform, write_snapshot

Say = Callable[[str], None]


@dataclass(frozen=True)
class DemoPlan:
    """What the demo builds: a platform of ``accounts`` simulated accounts from ``seed``."""

    accounts: int = 20_000
    seed: int = 7


@dataclass
class DemoResult:
    snapshot_dir: Path
    model: str
    run_id: str
    report_dir: Path
    keys: dict[str, str] = field(default_factory=dict)  # role -> plaintext key (shown once)
    seconds: dict[str, float] = field(default_factory=dict)


def demo_dir(settings: Settings) -> Path:
    """Where the demo keeps its simulated platform and report."""
    return settings.home / "demo"


@contextmanager
def _step(name: str, say: Say, seconds: dict[str, float]) -> Iterator[None]:
    say(f"[bold]›[/] {name}…")
    started = time.perf_counter()
    yield
    seconds[name] = time.perf_counter() - started
    say(f"  done in {seconds[name]:.1f} s")


def ensure_snapshot(out_dir: Path, plan: DemoPlan, say: Say) -> Path:
    """Simulate the platform once; later runs reuse the files (same seed, same bytes)."""
    if (out_dir / "accounts.parquet").exists():
        say(f"  reusing the simulated platform in {out_dir}")
        return out_dir
    snapshot = simulate_platform(SimulationConfig(accounts=plan.accounts, seed=plan.seed))
    write_snapshot(snapshot, out_dir, "parquet")
    say(f"  {len(snapshot.accounts):,} accounts, {len(snapshot.orders):,} orders -> {out_dir}")
    return out_dir


def ensure_champion(snapshot_dir: Path, settings: Settings, say: Say) -> str:
    """The champion model's ``name/version``, training and registering one if there is none."""
    ref = f"{settings.model_name}@{settings.model_alias}"
    try:
        scorer = load_scorer(ref, settings.tracking_uri)
        say(f"  reusing the registered model {scorer.name}/{scorer.version} ({ref})")
        return f"{scorer.name}/{scorer.version}"
    except ModelNotFoundError:
        pass
    snapshot = read_valid_snapshot(snapshot_dir)
    config = training_config(settings=settings, promote=True)
    result = train_snapshot(snapshot=snapshot, settings=settings, config=config)
    say(f"  registered {result.model_name}/{result.version} as @{result.alias}")
    model_row = result.table.iloc[0].to_dict()
    say(
        f"  held-out networks: ROC AUC {model_row['roc_auc']:.3f}, "
        f"average precision {model_row['average_precision']:.3f} ({model_row['scorer']})"
    )
    return f"{result.model_name}/{result.version}"


def score_snapshot(snapshot_dir: Path, settings: Settings, say: Say) -> str:
    """Run (or find) the nightly scoring run of the snapshot; its run id."""
    summary = run_scoring(
        snapshot_dir=snapshot_dir,
        as_of=None,
        model_ref=f"{settings.model_name}@{settings.model_alias}",
        store_url=settings.store_url,
        tracking_uri=settings.tracking_uri,
    )
    bands = ", ".join(f"{band} {n:,}" for band, n in summary.counts["bands"].items())
    say(f"  run {summary.run_id}: {summary.accounts_scored:,} accounts ({bands})")
    cases = sync_cases_of_published_run(settings=settings, run_id=summary.run_id)
    say(f"  cases: {len(cases.opened)} opened, {len(cases.updated)} updated")
    return summary.run_id


DEMO_REVIEWER = "demo-moderator"


def seed_decisions(settings: Settings, say: Say) -> int:
    """A few decisions as a first moderator would make them (the queue's first accounts: two
    confirmed, one escalated; one flagged account further down dismissed), so that the demo's
    report shows what the platform did. Skipped when any decision exists; returns how many
    were recorded."""
    engine = open_store(settings.store_url)
    try:
        if list_decisions(engine):
            say("  decisions already recorded: none added")
            return 0
        selection: dict[str, Any] = {
            "bands": None,
            "region": None,
            "network_id": None,
            "decision_status": "pending",
            "roles": None,
        }
        first = queue_page(engine=engine, limit=3, offset=0, **selection).items
        last = queue_page(engine=engine, limit=1, offset=200, **selection).items
        plan = list(zip(first, ("confirm", "confirm", "escalate"), strict=False))
        plan += [(item, "dismiss") for item in last]
        for item, decision in plan:
            record_decision(
                engine,
                account_id=item.account_id,
                decision=decision,
                note="demo: recorded by risk demo",
                reviewer=DEMO_REVIEWER,
            )
        say(f"  {len(plan)} decisions by {DEMO_REVIEWER}: " + ", ".join(d for _, d in plan))
        return len(plan)
    finally:
        engine.dispose()


def create_demo_keys(settings: Settings) -> dict[str, str]:
    """A fresh moderator, lead and regulator key (plaintext exists only now; the store keeps
    hashes): a lead approves what a moderator proposes on a case (four eyes)."""
    engine = open_store(settings.store_url)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    keys = {}
    for role in ("moderator", "lead", "regulator"):
        plaintext, _ = create_key(engine, role=role, name=f"demo-{role}-{stamp}")
        keys[role] = plaintext
    engine.dispose()
    return keys


def run_demo(*, settings: Settings, plan: DemoPlan, say: Say) -> DemoResult:
    """Every step of the demo, each reusing what an earlier demo left under RISK_HOME."""
    settings.ensure_home()
    seconds: dict[str, float] = {}
    base = demo_dir(settings)
    with _step(f"Simulating a platform of {plan.accounts:,} accounts", say, seconds):
        snapshot_dir = ensure_snapshot(base / "snapshot", plan, say)
    with _step("Training and registering the model", say, seconds):
        model = ensure_champion(snapshot_dir, settings, say)
    with _step("Running the nightly scoring", say, seconds):
        run_id = score_snapshot(snapshot_dir, settings, say)
    with _step("Recording a first moderator's decisions", say, seconds):
        seed_decisions(settings, say)
    with _step("Exporting the regulator report", say, seconds):
        report_dir = base / f"report-{run_id}"
        if not (report_dir / "manifest.json").exists():
            engine = open_store(settings.store_url)
            export_run_report(settings, engine, run_id=run_id, out_dir=report_dir)
            engine.dispose()
        say(f"  {report_dir}")
    with _step("Creating a moderator, a lead and a regulator key", say, seconds):
        keys = create_demo_keys(settings)
    return DemoResult(snapshot_dir, model, run_id, report_dir, keys, seconds)
