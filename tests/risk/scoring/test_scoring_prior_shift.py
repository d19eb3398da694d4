"""The prior-shift correction of a scoring run: a platform with far fewer schemes than training."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models.prior_shift import adjust_posteriors
from risk.scoring import ScoringSummary, run_scoring
from risk.vocab import EXPLAINED_BANDS
from tests.trained_world import TrainedWorld

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def few_schemes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A platform with 5 % of its accounts in schemes (the model was trained at 30 %)."""
    from training.simulator import SimulationConfig, simulate_platform, write_snapshot

    directory = tmp_path_factory.mktemp("few-schemes") / "snapshot"
    config = SimulationConfig(accounts=3000, seed=12, positive_share=0.05)
    write_snapshot(simulate_platform(config), directory, "parquet")
    return directory


def _score(
    world: TrainedWorld, snapshot: Path, store: str, prior_shift: str | None
) -> tuple[ScoringSummary, pd.DataFrame]:
    from risk.store.db import open_store
    from risk.store.scores import scores_frame

    summary = run_scoring(
        snapshot_dir=snapshot,
        as_of=None,
        model_ref=world.model_ref,
        store_url=store,
        tracking_uri=world.tracking_uri,
        prior_shift=prior_shift,
    )
    frame = scores_frame(open_store(store), summary.run_id).set_index("account_id")
    return summary, frame


def test_scores_are_adjusted_to_the_platforms_scheme_share_before_banding(
    trained_world: TrainedWorld, few_schemes: Path, sqlite_store_url: str, tmp_path: Path
) -> None:
    other_store = tmp_path / "off.db"
    shutil.copyfile(sqlite_store_url.removeprefix("sqlite:///"), other_store)
    em, adjusted = _score(trained_world, few_schemes, sqlite_store_url, "em")
    off, calibrated = _score(trained_world, few_schemes, f"sqlite:///{other_store}", None)

    record = em.drift["prior_shift"]
    labels = pd.read_parquet(few_schemes / "labels.parquet").set_index("account_id")["label"]
    share = labels.reindex(adjusted.index.astype(str)).mean()
    assert record["mode"] == "em" and record["applied"] and record["converged"]
    assert record["accounts"] == len(adjusted) == len(calibrated)
    # a small model on another world is no pure prior shift: the estimate moves toward the true
    # share (below the mean score), it does not hit it (accuracy: tests/models/test_prior_shift)
    assert share < record["estimated_prior"] < record["mean_score"] < record["training_prior"]
    assert off.drift["prior_shift"] == {  # the default
        "mode": "off",
        "applied": False,
        "note": "scores as calibrated in training",
    }

    # the stored score is the calibrated one adjusted by Bayes' rule; the queue's order holds
    calibrated = calibrated.reindex(adjusted.index)
    expected = adjust_posteriors(
        calibrated["score"].to_numpy(), record["training_prior"], record["estimated_prior"]
    )
    np.testing.assert_allclose(adjusted["score"].to_numpy(), expected, atol=1e-12)
    assert (adjusted["rank"] == calibrated["rank"]).all()
    # what the bands would have been is kept, and fewer legitimate accounts are flagged
    assert record["bands_unadjusted"] == off.counts["bands"]
    medium_up = adjusted["band"].isin(EXPLAINED_BANDS)
    assert medium_up.sum() <= calibrated["band"].isin(EXPLAINED_BANDS).sum()
    legitimate = (labels.reindex(adjusted.index.astype(str)) == 0).to_numpy()
    assert (medium_up & legitimate).sum() <= (
        calibrated["band"].isin(EXPLAINED_BANDS) & legitimate
    ).sum()
    # reasons follow the adjusted bands; the score's drift is measured as calibrated
    assert adjusted.loc[medium_up, "reasons"].map(bool).all()
    assert adjusted.loc[~medium_up, "reasons"].isna().all()
    assert em.drift["score_psi"] == off.drift["score_psi"]


def test_a_rerun_with_another_prior_shift_mode_is_refused_not_answered_from_the_first(
    trained_world: TrainedWorld, few_schemes: Path, sqlite_store_url: str
) -> None:
    from risk.errors import StoreConflictError

    first, _ = _score(trained_world, few_schemes, sqlite_store_url, "em")
    again, _ = _score(trained_world, few_schemes, sqlite_store_url, "em")
    assert again.run_id == first.run_id
    with pytest.raises(StoreConflictError, match="prior shift 'em', not 'off'"):
        _score(trained_world, few_schemes, sqlite_store_url, None)  # the default: off
