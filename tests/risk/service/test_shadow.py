"""Shadow runs and promotion: the challenger scores the published run too (stored beside it),
champion vs challenger is shown in the service, API and CLI with figures checked by hand, and
promotion is a person's audited action with the evidence attached."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import mlflow
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from models.bands import assign_bands
from models.mlflow_io import load_scorer
from risk.cli import app
from risk.service.models import recalibrate_challenger
from risk.service.shadow import compare_models, shadow_run
from risk.settings import get_settings
from risk.store.audit import list_audit
from risk.store.exploration import labelled_decisions
from risk.store.keys import create_key
from risk.store.shadow import run_scores, shadow_of
from risk.vocab import DECISION_LABELS, FLAGGED_BANDS
from tests.api.conftest import bearer, start_server, world_settings
from tests.api.world import World
from tests.console_forms import console_sign_in


def test_shadow_compare_and_promote(
    decided: tuple[World, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, engine = decided
    settings = world_settings(world, tmp_path / "home")
    assert shadow_run(settings=settings, run_id=world.run_id) is None  # no challenger yet
    made = recalibrate_challenger(engine=engine, settings=settings, actor="ops")
    summary = shadow_run(settings=settings, run_id=world.run_id)
    assert summary is not None and summary.model_version == f"mlm-risk/{made.version.version}"  # type: ignore[union-attr]
    champion = run_scores(engine, world.run_id).set_index("account_id")
    found = shadow_of(engine, world.run_id)
    assert found is not None
    head, shadow = found
    assert head["model_version"] == made.version.version  # type: ignore[union-attr]
    shadow = shadow.set_index("account_id").loc[champion.index]
    # same trees and calibration, new bands: the scores agree, the bands follow the new cuts
    assert shadow["score"].to_numpy() == pytest.approx(champion["score"].to_numpy(), abs=1e-6)
    expected_bands = assign_bands(shadow["score"].to_numpy(), made.thresholds)
    assert (shadow["band"].to_numpy() == expected_bands).all()
    changed = int((champion["band"] != shadow["band"]).sum())
    assert summary.changed_band == changed and summary.accounts == len(champion)  # type: ignore[union-attr]

    result = compare_models(engine=engine, k=100)
    assert (result.run_id, result.changed_band, result.accounts) == (world.run_id, changed, 3000)
    assert sum(n for row in result.band_changes.values() for n in row.values()) == 3000
    decisions = labelled_decisions(engine).drop_duplicates("account_id", keep="last")
    label = decisions.set_index("account_id")["decision"].map(DECISION_LABELS)
    decided_scores = champion.join(label.rename("label"), how="inner")
    top = decided_scores.sort_values("score", ascending=False).head(100)
    assert result.precision_at_k["champion"] == pytest.approx(top["label"].mean())
    flagged = decided_scores["band"].isin(FLAGGED_BANDS)
    agreement = (flagged == (decided_scores["label"] == 1)).mean()
    assert result.decisions_since == len(decided_scores)
    assert result.agreement["champion"] == pytest.approx(agreement)
    assert result.flagged["challenger"] == int(np.isin(shadow["band"], FLAGGED_BANDS).sum())

    # the API shows the same comparison to moderators, regulators and admins
    key, _ = create_key(engine, role="regulator", name="reg-shadow")
    server = start_server(settings, load_model=False)
    try:
        response = httpx.get(f"{server.url}/v1/models/compare", headers=bearer(key), timeout=30)
        with httpx.Client(base_url=server.url, timeout=30) as console:
            console_sign_in(console, key)
            html = console.get("/console/models", params={"lang": "zh"}).text
    finally:
        server.stop()
    assert response.status_code == 200, response.text
    assert response.json() == pd.Series(result.to_dict()).to_dict()
    assert f"{changed} 个账户风险等级不同" in html and 'data-model="challenger"' in html

    # promotion: a person's action, refused without a reason, audited with the evidence
    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RISK_DATABASE_URL", world.store_url)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", world.tracking_uri)
    get_settings.cache_clear()
    try:
        refused = CliRunner().invoke(app, ["models", "promote", "--reason", "ok", "--by", "lead"])
        assert refused.exit_code != 0
        assert load_scorer("mlm-risk@champion", world.tracking_uri).version == made.base.version
        # the nightly job scores with the challenger too (the run itself is already published)
        nightly = CliRunner().invoke(app, ["score", str(world.snapshot_dir), "--json"])
        assert nightly.exit_code == 0, nightly.output
        assert json.loads(nightly.stdout)["shadow"]["changed_band"] == changed
        shown = CliRunner().invoke(app, ["models", "compare"])
        assert shown.exit_code == 0 and f"{changed:,} change band" in shown.output
        why = "bands match what moderators confirm (precision per band at target)"
        done = CliRunner().invoke(app, ["models", "promote", "--reason", why, "--by", "lead.wu"])
        assert done.exit_code == 0, done.output
    finally:
        get_settings.cache_clear()
    assert load_scorer("mlm-risk@champion", world.tracking_uri).version == made.version.version  # type: ignore[union-attr]
    [entry] = [e for e in list_audit(engine) if e.action == "model.promote"]
    assert (entry.actor, entry.target) == ("lead.wu", f"mlm-risk/{made.version.version}")  # type: ignore[union-attr]
    assert entry.details["reason"] == why  # type: ignore[index]
    assert entry.details["evidence"]["changed_band"] == changed  # type: ignore[index]
    assert entry.details["previous_champion"] == made.base.version  # type: ignore[index]
    version = mlflow.MlflowClient(tracking_uri=world.tracking_uri).get_model_version(
        "mlm-risk",
        made.version.version,  # type: ignore[union-attr]
    )
    assert version.tags["promotion.by"] == "lead.wu"


def test_console_shows_no_shadow_in_both_languages(
    decided: tuple[World, Engine], tmp_path: Path
) -> None:
    world, engine = decided
    key, _ = create_key(engine, role="admin", name="adm-shadow")
    server = start_server(world_settings(world, tmp_path / "home"), load_model=False)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            console_sign_in(client, key)
            english = client.get("/console/models", params={"lang": "en"}).text
            chinese = client.get("/console/models", params={"lang": "zh"}).text
    finally:
        server.stop()
    assert 'id="no-shadow"' in english and "No shadow run yet" in english
    assert "尚无影子评分" in chinese
