"""A pruned run's regulator report shows the figures it showed before pruning and says the run
was pruned; over HTTP the run is still listed, its report served, the console marks it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from risk.settings import Settings
from tests.trained_world import TrainedWorld

GENERATED_AT = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class PrunedWorld:
    store_url: str
    tracking_uri: str
    root: Path
    pruned_run: str
    latest_run: str
    before: Path  # the pruned run's report, exported before it was pruned
    after: Path  # and after
    frame: pd.DataFrame  # its rows before pruning
    decided_low: str  # an account at band low in the pruned run with a decision (kept)


def _export(world_root: Path, engine: Any, tracking_uri: str, run_id: str, out: Path) -> None:
    from risk.report.export import export_report

    export_report(
        engine=engine,
        tracking_uri=tracking_uri,
        run_id=run_id,
        out_dir=out,
        keys_dir=world_root / "keys",
        platform_name="示例社交电商平台",
        generated_at=GENERATED_AT,
    )


@pytest.fixture(scope="module")
def pruned_world(
    trained_world: TrainedWorld,
    tmp_path_factory: pytest.TempPathFactory,
) -> PrunedWorld:
    """Two runs of one snapshot a month apart; decisions; the older one exported, pruned,
    exported again."""
    from risk.scoring import run_scoring
    from risk.store.db import open_store
    from risk.store.decisions import record_decision
    from risk.store.retention import RetentionPolicy, prune_runs
    from risk.store.scores import scores_frame

    root = tmp_path_factory.mktemp("pruned-world")
    store_url = f"sqlite:///{root / 'risk.db'}"
    scoring = dict(
        snapshot_dir=trained_world.snapshot_dir,
        model_ref=trained_world.model_ref,
        store_url=store_url,
        tracking_uri=trained_world.tracking_uri,
    )
    latest = run_scoring(as_of=None, **scoring)  # type: ignore[arg-type]
    older = run_scoring(as_of=latest.as_of - pd.Timedelta(days=30), **scoring)  # type: ignore[arg-type]
    engine = open_store(store_url)
    frame = scores_frame(engine, older.run_id)
    low = frame.loc[frame["band"] == "low", "account_id"]
    high = frame.loc[frame["band"].isin(["high", "critical"]), "account_id"]
    plan = [(low.iloc[0], "dismiss"), (high.iloc[0], "confirm"), (high.iloc[1], "escalate")]
    for account, decision in plan:
        record_decision(engine, account_id=account, decision=decision, note="", reviewer="mod-a")
    before, after = root / "before", root / "after"
    _export(root, engine, trained_world.tracking_uri, older.run_id, before)
    [action] = prune_runs(engine, RetentionPolicy(keep_last=1)).actions
    assert action.run_id == older.run_id and action.rows_dropped > 0
    _export(root, engine, trained_world.tracking_uri, older.run_id, after)
    engine.dispose()
    return PrunedWorld(
        store_url, trained_world.tracking_uri, root, older.run_id, latest.run_id,
        before, after, frame, str(low.iloc[0]),
    )  # fmt: skip


def _json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@pytest.mark.slow
def test_the_report_keeps_every_figure_and_says_the_run_was_pruned(
    pruned_world: PrunedWorld,
) -> None:
    before = _json(pruned_world.before / "report.json")
    after = _json(pruned_world.after / "report.json")
    frame = pruned_world.frame
    removed = int(
        ((frame["band"] == "low") & (frame["account_id"] != pruned_world.decided_low)).sum()
    )
    assert before["meta"]["run"]["pruned_at"] is None
    assert before["meta"]["run"]["accounts_pruned"] == 0
    assert after["meta"]["run"]["pruned_at"] is not None
    assert after["meta"]["run"]["accounts_pruned"] == removed > 0
    for document in (before, after):
        del document["meta"]["run"]["pruned_at"], document["meta"]["run"]["accounts_pruned"]
    # Histogram, fairness by region, network tiers, register, decisions: all as they were.
    assert after == before
    assert pruned_world.decided_low in {c["account_id"] for c in after["case_register"]}
    html = (pruned_world.after / "report.html").read_text(encoding="utf-8")
    assert f"the rows of {removed:,} accounts at band low" in html
    summary = (pruned_world.after / "summary.csv").read_text(encoding="utf-8")
    assert f"run,accounts_pruned,{removed}" in summary


@pytest.mark.slow
def test_the_pdf_of_a_pruned_run_says_so_and_verifies(pruned_world: PrunedWorld) -> None:
    from pypdf import PdfReader

    from risk.report.manifest import verify_report

    text = "\n".join(
        page.extract_text() or "" for page in PdfReader(pruned_world.after / "report.pdf").pages
    )
    assert "Rows pruned" in " ".join(text.split())
    assert verify_report(pruned_world.after).ok


@pytest.fixture(scope="module")
def served(pruned_world: PrunedWorld) -> Iterator[tuple[httpx.Client, str]]:
    """The pruned world over real HTTP, with a regulator key."""
    from risk.store.db import open_store
    from risk.store.keys import create_key
    from tests.api.conftest import start_server

    engine = open_store(pruned_world.store_url)
    key, _ = create_key(engine, role="regulator", name="reg-retention")
    engine.dispose()
    settings = Settings.model_validate(
        {
            "home": str(pruned_world.root / "home"),
            "database_url": pruned_world.store_url,
            "mlflow_tracking_uri": pruned_world.tracking_uri,
        }
    )
    server = start_server(settings, load_model=False)
    with httpx.Client(base_url=server.url, timeout=120) as client:
        yield client, key
    server.stop()


@pytest.mark.slow
def test_api_lists_the_pruned_run_and_serves_its_report(
    pruned_world: PrunedWorld, served: tuple[httpx.Client, str]
) -> None:
    client, key = served
    auth = {"Authorization": f"Bearer {key}"}
    runs = {run["id"]: run for run in client.get("/v1/runs", headers=auth).json()}
    pruned, latest = runs[pruned_world.pruned_run], runs[pruned_world.latest_run]
    assert pruned["status"] == "published" and pruned["pruned_at"] and pruned["pruned_rows"] > 0
    assert pruned["data_fingerprint"] and pruned["model_version"] and pruned["counts"]["bands"]
    assert latest["pruned_at"] is None and latest["pruned_rows"] is None
    report = client.get(f"/v1/reports/{pruned_world.pruned_run}?format=json", headers=auth)
    assert report.status_code == 200
    assert report.json()["meta"]["run"]["accounts_pruned"] == pruned["pruned_rows"]
    from tests.api.test_console_pages import signed_in

    follows = client.follow_redirects
    client.follow_redirects = False
    signed_in(client, key)  # the sign-in form's CSRF token and a same-site Origin
    client.follow_redirects = follows
    page = client.get("/console/runs")
    assert page.status_code == 200 and f"pruned −<b>{pruned['pruned_rows']:,}</b>" in page.text


@pytest.mark.slow
def test_rescoring_a_pruned_runs_snapshot_refuses_a_partial_score_table(
    pruned_world: PrunedWorld,
    trained_world: TrainedWorld,
    tmp_path: Path,
) -> None:
    from risk.errors import StoreConflictError
    from risk.scoring import run_scoring
    from risk.store.db import open_store
    from risk.store.runs import get_run

    engine = open_store(pruned_world.store_url)
    pruned = get_run(engine, pruned_world.pruned_run)
    engine.dispose()
    assert pruned is not None
    out = tmp_path / "scores.parquet"
    with pytest.raises(StoreConflictError, match="was pruned"):
        run_scoring(
            snapshot_dir=trained_world.snapshot_dir,
            as_of=pd.Timestamp(pruned.as_of),
            model_ref=trained_world.model_ref,
            store_url=pruned_world.store_url,
            tracking_uri=trained_world.tracking_uri,
            out=out,
        )
    assert not out.exists()
