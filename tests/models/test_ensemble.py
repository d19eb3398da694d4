"""Boosters averaged into one (models/ensemble.py) and the classifier's members."""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from models.classifier import RiskClassifier, member_rows
from models.ensemble import average_boosters
from models.errors import ModelError
from tests.models.conftest import synthetic_accounts
from training.config import TrainingConfig
from training.errors import TrainingDataError
from training.pipeline import member_marks, world_members
from training.worlds import PLATFORM_WORLD

Split = dict[str, tuple[pd.DataFrame, np.ndarray]]


def _members(X: pd.DataFrame, y: np.ndarray) -> list[lgb.Booster]:
    """Three boosters of different sizes on different rows, with missing values."""
    X = X.mask(np.random.default_rng(0).random(X.shape) < 0.1)
    params = {"objective": "binary", "verbosity": -1, "num_leaves": 7, "deterministic": True}
    return [
        lgb.train({**params, "seed": s}, lgb.Dataset(X.iloc[s * 500 :], y[s * 500 :]), 10 + 7 * s)
        for s in range(3)
    ]


def test_the_average_scores_and_explains_as_the_mean_of_its_members() -> None:
    X, y = synthetic_accounts(3000, seed=5)
    members = _members(X, y)
    average = average_boosters(members)
    matrix = X.to_numpy()
    assert average.num_trees() == sum(m.num_trees() for m in members)
    mean = np.mean([m.predict(matrix, raw_score=True) for m in members], axis=0)
    np.testing.assert_allclose(average.predict(matrix, raw_score=True), mean, atol=1e-12)
    # TreeSHAP is linear in the model: the average's contributions are the members' mean
    contributions = np.mean([m.predict(matrix, pred_contrib=True) for m in members], axis=0)
    np.testing.assert_allclose(
        average.predict(matrix, pred_contrib=True), contributions, atol=1e-12
    )
    # what the registry stores reads back the same
    again = lgb.Booster(model_str=average.model_to_string())
    np.testing.assert_allclose(again.predict(matrix, raw_score=True), mean, atol=1e-12)


def test_one_booster_is_its_own_average_and_mismatched_features_are_refused() -> None:
    X, y = synthetic_accounts(2000, seed=6)
    members = _members(X, y)
    assert average_boosters(members[:1]) is members[0]
    other = lgb.train(
        {"objective": "binary", "verbosity": -1},
        lgb.Dataset(X.rename(columns={"noise": "other"}), y),
        5,
    )
    with pytest.raises(ModelError, match="share their features"):
        average_boosters([members[0], other])
    with pytest.raises(ModelError, match="no booster"):
        average_boosters([])


def test_member_rows_share_the_rows_marked_for_every_member() -> None:
    member_of = np.array([-1, 0, 1, 2, 0, -1, 1])
    rows = member_rows(len(member_of), member_of)
    assert [r.tolist() for r in rows] == [[0, 1, 4, 5], [0, 2, 5, 6], [0, 3, 5]]
    assert [r.tolist() for r in member_rows(3, None)] == [[0, 1, 2]]
    with pytest.raises(ModelError, match="3 training rows"):
        member_rows(3, np.array([0, 1]))


def test_a_classifier_with_members_ships_their_average(toy_split: Split) -> None:
    (X, y), (X_val, y_val), (X_test, y_test) = (
        toy_split["train"],
        toy_split["val"],
        toy_split["test"],
    )
    member_of = np.resize(np.array([-1, 0, 1]), len(y))
    model = RiskClassifier(n_estimators=40, early_stopping_rounds=1000).fit(
        X, y, X_val, y_val, member_of=member_of
    )
    assert model.members_ == 2
    # each member is the booster a classifier trained on its rows alone would have
    alone = [
        RiskClassifier(n_estimators=40, early_stopping_rounds=1000)
        .fit(X.iloc[rows], y[rows], X_val, y_val)
        .raw_score(X_test)
        for rows in member_rows(len(y), member_of)
    ]
    np.testing.assert_allclose(model.raw_score(X_test), np.mean(alone, axis=0), atol=1e-9)
    assert np.mean((model.predict_proba(X_test)[:, 1] > 0.5) == y_test) > 0.85


def test_worlds_are_dealt_in_blocks_and_the_platform_trains_every_member() -> None:
    rows = pd.DataFrame({"world": [PLATFORM_WORLD, "a-1", "b-2", "a-3", "b-4", PLATFORM_WORLD]})
    members = world_members(rows, TrainingConfig(members=2))
    assert members == {"a-1": 0, "b-2": 0, "a-3": 1, "b-4": 1}  # consecutive blocks
    # a part of the table that lacks a world keeps every other world's member
    marks = member_marks(rows.iloc[[0, 2, 4, 5]], members)
    assert marks is not None and marks.tolist() == [-1, 0, 1, -1]
    assert world_members(rows, TrainingConfig(members=1)) is None
    with pytest.raises(TrainingDataError, match="at least as many generated worlds"):
        world_members(rows, TrainingConfig(members=5))
