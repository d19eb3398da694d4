from __future__ import annotations

from pathlib import Path

import mlflow
import pytest

from features.snapshot import Snapshot
from training.config import TrainingConfig
from training.pipeline import train_and_register
from training.promotion import CHALLENGER, CHAMPION, decide


def test_decide_both_ways() -> None:
    champion = {"average_precision": 0.9, "precision_at_100": 0.95}
    better = {"average_precision": 0.91, "precision_at_100": 0.95}
    worse = {"average_precision": 0.91, "precision_at_100": 0.9}
    assert decide(better, champion, k=100, force=False)[0] == CHAMPION
    assert decide(champion, champion, k=100, force=False)[0] == CHAMPION
    alias, reason = decide(worse, champion, k=100, force=False)
    assert alias == CHALLENGER and "precision_at_100" in reason
    assert decide(worse, champion, k=100, force=True)[0] == CHAMPION
    assert decide(worse, None, k=100, force=False)[0] == CHAMPION


@pytest.mark.slow
def test_champion_moves_only_to_an_equal_or_better_model(
    small_platform: Snapshot, tracking_uri: str, tmp_path: Path
) -> None:
    base = TrainingConfig(
        seed=3, out_of_time=False, artifact_root=tmp_path / "artifacts", shap_rows=200
    )
    first = train_and_register(small_platform, None, base, tracking_uri)
    assert first.alias == CHAMPION

    crippled = TrainingConfig(
        seed=3,
        out_of_time=False,
        artifact_root=tmp_path / "artifacts",
        shap_rows=200,
        classifier={"n_estimators": 2, "num_leaves": 2, "early_stopping_rounds": 1},
    )
    worse = train_and_register(small_platform, None, crippled, tracking_uri)
    assert worse.alias == CHALLENGER
    assert "worse than the champion" in worse.promotion_reason

    again = train_and_register(small_platform, None, base, tracking_uri)
    # same seed, same data: identical scores, so "at least as good" holds
    assert again.metrics["evaluation"] == first.metrics["evaluation"]
    assert again.alias == CHAMPION

    client = mlflow.MlflowClient(tracking_uri)
    assert str(client.get_model_version_by_alias("mlm-risk", CHAMPION).version) == again.version
    assert str(client.get_model_version_by_alias("mlm-risk", CHALLENGER).version) == worse.version
    moved = client.get_model_version("mlm-risk", first.version).tags
    assert f"to version {again.version}" in moved["alias.champion.moved_away"]

    forced = train_and_register(
        small_platform,
        None,
        TrainingConfig(**{**crippled.__dict__, "force_promote": True}),
        tracking_uri,
    )
    assert forced.alias == CHAMPION and "forced" in forced.promotion_reason
