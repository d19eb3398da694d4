"""An incremental night (scores and reasons reused where the model input did not change)
publishes exactly the rows a full run of the same snapshot publishes, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from risk.scoring import ScoringSummary, run_scoring
from risk.vocab import EXPLAINED_BANDS
from tests.trained_world import TrainedWorld


def _score(
    world: TrainedWorld,
    snapshot: Path,
    store_url: str,
    as_of: pd.Timestamp | None = None,
    *,
    full: bool = False,
) -> ScoringSummary:
    return run_scoring(
        snapshot_dir=snapshot,
        as_of=as_of,
        model_ref=world.model_ref,
        store_url=store_url,
        tracking_uri=world.tracking_uri,
        full=full,
    )


def _next_night(world: TrainedWorld, directory: Path, sellers: int = 6) -> Path:
    """The snapshot with the orders of a few sellers worth more: their networks change."""
    shutil.copytree(world.snapshot_dir, directory)
    orders = pd.read_parquet(directory / "orders.parquet")
    chosen = np.random.default_rng(4).choice(orders["seller_id"].unique(), sellers, replace=False)
    moved = orders["seller_id"].isin(chosen)
    orders.loc[moved, "amount"] = (orders.loc[moved, "amount"] * 1.5).round(2)
    orders.to_parquet(directory / "orders.parquet", index=False)
    return directory


def _rows(store_url: str, run_id: str) -> pd.DataFrame:
    from risk.store.db import open_store
    from risk.store.scores import scores_frame

    frame = scores_frame(open_store(store_url), run_id).drop(columns=["run_id"])
    return frame.sort_values("account_id", ignore_index=True)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """RISK_HOME: where a PostgreSQL store keeps its runs' values files."""
    from risk.settings import get_settings

    monkeypatch.setenv("RISK_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def test_an_incremental_night_publishes_what_a_full_run_publishes(
    trained_world: TrainedWorld, store_url: str, tmp_path: Path, home: Path
) -> None:
    first = _score(trained_world, trained_world.snapshot_dir, store_url)
    assert first.reasons_reused == 0  # nothing published before it
    night = _next_night(trained_world, tmp_path / "night")

    incremental = _score(trained_world, night, store_url, first.as_of)
    reference_url = f"sqlite:///{tmp_path / 'full' / 'risk.db'}"
    full = _score(trained_world, night, reference_url, first.as_of, full=True)

    assert full.reasons_reused == 0 and full.scores_reused == 0
    # most accounts kept their score, the changed networks' members were predicted again
    assert 0 < incremental.scores_reused < incremental.accounts_scored
    explained = sum(incremental.counts["bands"][band] for band in EXPLAINED_BANDS)
    # most accounts kept their reasons, the changed networks' were explained again
    assert 0 < incremental.reasons_reused < explained
    assert incremental.to_dict()["reasons_reused"] == incremental.reasons_reused
    ours, theirs = _rows(store_url, incremental.run_id), _rows(reference_url, full.run_id)
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
    assert ours["reasons"].notna().sum() == explained
    # and the first night's rows differ where the orders moved (the reuse had work to skip)
    before = _rows(store_url, first.run_id)
    assert not before["score"].equals(ours["score"])


def test_full_explains_every_account_again(
    trained_world: TrainedWorld, store_url: str, tmp_path: Path, home: Path
) -> None:
    first = _score(trained_world, trained_world.snapshot_dir, store_url)
    night = _next_night(trained_world, tmp_path / "night")
    again = _score(trained_world, night, store_url, first.as_of, full=True)
    assert again.reasons_reused == 0 and again.scores_reused == 0
    first_rows, again_rows = _rows(store_url, first.run_id), _rows(store_url, again.run_id)
    kept = first_rows.set_index("account_id")["reasons"]
    same = again_rows.set_index("account_id")["reasons"].reindex(kept.index)
    # the accounts whose networks did not move have the same reasons, computed afresh
    assert (kept.dropna() == same[kept.notna()]).mean() > 0.5
