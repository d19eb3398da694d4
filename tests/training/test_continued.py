"""Continued boosting on decided accounts: the trees start from the scores moderators saw (the
platform prior applied once), exploration weights do not steer the fit, and the guard says
when the challenger is worse than the champion on held-back decisions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logit

from features.build import build_features
from features.validation import read_valid_snapshot
from models.mlflow_io import load_scorer
from tests.trained_world import TrainedWorld
from training.continued import ContinuedFit, continue_boosting


def _decided(trained_world: TrainedWorld, count: int = 600):  # type: ignore[no-untyped-def]
    snapshot = read_valid_snapshot(trained_world.snapshot_dir)
    features = build_features(snapshot).head(count)
    labels = snapshot.labels.set_index("account_id").loc[features.index, "label"]  # type: ignore[union-attr]
    champion = load_scorer("mlm-risk@champion", trained_world.tracking_uri)
    return champion, features, labels.to_numpy(dtype=np.int64)


def test_the_platform_prior_is_in_the_start_not_learned_again(
    trained_world: TrainedWorld,
) -> None:
    champion, features, labels = _decided(trained_world)
    assert champion.training_prior is not None
    ones = np.ones(len(labels))
    networks = features["network_id"].to_numpy()
    plain = continue_boosting(champion, features, labels, ones, networks, seed=3)
    # a platform with a tenth of the training share: its shown scores start that much lower
    share = champion.training_prior / 10
    shifted = continue_boosting(
        champion,
        features,
        labels,
        ones,
        networks,
        seed=3,
        platform_priors=np.full(len(labels), share),
    )
    # the held-out champion scores are the shifted ones: log-odds moved by exactly the shift
    assert shifted.evidence["champion_log_loss"] != pytest.approx(
        plain.evidence["champion_log_loss"]
    )
    shift = logit(share) - logit(champion.training_prior)
    start = logit(np.clip(champion.calibrated(features), 1e-9, 1 - 1e-9))
    assert np.allclose(start + shift, logit(champion.for_platform(share).predict_proba(features)))
    # NaN = no prior shift on that run: the same fit as without priors
    none = continue_boosting(
        champion,
        features,
        labels,
        ones,
        networks,
        seed=3,
        platform_priors=np.full(len(labels), np.nan),
    )
    assert none.evidence == plain.evidence


def test_exploration_weights_do_not_steer_the_trees(trained_world: TrainedWorld) -> None:
    champion, features, labels = _decided(trained_world)
    networks = features["network_id"].to_numpy()
    ones = np.ones(len(labels))
    heavy = ones.copy()
    heavy[::20] = 5_000.0  # a few exploration picks with tiny inclusion probabilities
    a = continue_boosting(champion, features, labels, ones, networks, seed=3)
    b = continue_boosting(champion, features, labels, heavy, networks, seed=3)
    assert a.booster.model_to_string() == b.booster.model_to_string()
    # ... but they weigh in the held-out evidence (a population estimate)
    assert a.evidence["champion_log_loss"] != pytest.approx(b.evidence["champion_log_loss"])


def test_the_guard_keeps_the_champion_when_the_challenger_is_worse() -> None:
    def fit(champion: float | None, challenger: float | None) -> ContinuedFit:
        evidence = {
            "champion_average_precision": champion,
            "challenger_average_precision": challenger,
        }
        return ContinuedFit(booster=None, added_rounds=1, evidence=evidence)

    assert fit(0.80, 0.85).better and fit(0.80, 0.80).better
    assert not fit(0.80, 0.79).better
    assert fit(None, None).better  # one class held out: nothing to compare
