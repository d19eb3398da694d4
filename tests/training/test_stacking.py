"""The platform stack: a model of the platform fitted on its decided accounts takes over where
the champion is wrong, never with a negative weight, and is judged out of fold: by account
(the default: no account is predicted by a model that saw its label, its network's other
decided accounts may be seen, as for an undecided account of a decided network) or by network
(no network's accounts are predicted by a model that saw that network)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from training.errors import TrainingDataError
from training.stacking import MIN_NETWORKS, fit_platform_stack

FEATURES = ["platform_signal", "noise_a", "noise_b"]


def _platform(networks: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole networks in or out of schemes (alternating); ``platform_signal`` is higher in
    scheme networks (noisy), the other two columns are noise. (matrix, labels, networks)"""
    rng = np.random.default_rng(seed)
    network = np.repeat(np.arange(networks), size)
    labels = (network % 2).astype(np.int64)
    signal = labels * 2.0 + rng.normal(0.0, 0.7, len(labels))
    matrix = np.column_stack([signal, rng.normal(size=len(labels)), rng.normal(size=len(labels))])
    return matrix, labels, network + seed * 1000


def test_the_platform_model_takes_over_where_the_champion_knows_nothing() -> None:
    matrix, labels, networks = _platform(30, 20, seed=1)
    champion = np.random.default_rng(2).normal(size=len(labels))  # the simulators' model: noise
    fit = fit_platform_stack(champion, matrix, labels, networks, FEATURES, seed=0)
    assert fit.stack.platform_weight > 0.5
    assert fit.evidence["platform_average_precision"] > 0.9
    assert fit.evidence["champion_average_precision"] < 0.7
    # on networks it never saw, the challenger ranks them as the platform model does
    fresh, truth, _ = _platform(20, 20, seed=3)
    unseen_champion = np.random.default_rng(4).normal(size=len(truth))
    stacked = fit.stack.log_odds(unseen_champion, fresh)
    assert average_precision_score(truth, stacked) > 0.9
    assert average_precision_score(truth, unseen_champion) < 0.7


def test_no_weight_is_negative_even_when_the_champion_runs_against_the_truth() -> None:
    matrix, labels, networks = _platform(30, 20, seed=5)
    rng = np.random.default_rng(6)
    inverted = -2.0 * labels + rng.normal(0.0, 0.5, len(labels))  # confidently wrong here
    fit = fit_platform_stack(inverted, matrix, labels, networks, FEATURES, seed=0)
    assert fit.stack.champion_weight == 0.0
    assert fit.stack.platform_weight > 0.0
    assert fit.evidence["champion_weight"] == 0.0


def test_an_account_is_judged_by_a_model_that_never_saw_its_label() -> None:
    # labels at random per account and a feature that only names the account: a model that
    # saw the label memorises it; out of fold there is nothing to learn
    rng = np.random.default_rng(11)
    networks = np.repeat(np.arange(60), 25)
    labels = (rng.random(len(networks)) < 0.5).astype(np.int64)
    matrix = np.column_stack([rng.random(len(labels)), rng.normal(size=(len(labels), 2))])
    champion = labels * 1.5 + rng.normal(0.0, 1.0, len(labels))
    fit = fit_platform_stack(champion, matrix, labels, networks, FEATURES, seed=0)
    assert fit.evidence["params"]["folds_by"] == "account"
    in_sample = fit.stack.booster.predict(matrix, raw_score=True)
    assert average_precision_score(labels, in_sample) > 0.75  # it learnt the labels it saw
    assert fit.evidence["platform_average_precision"] < 0.65  # but was judged without them
    assert fit.stack.champion_weight > 3 * fit.stack.platform_weight


def test_by_account_a_decided_network_teaches_about_its_other_accounts() -> None:
    # labels per network and a feature that names the network: judged by account, the
    # platform model knows an account's network from its decided neighbours and is trusted
    # (an undecided account of a decided network is in that position); by network it is not
    rng = np.random.default_rng(7)
    networks = np.repeat(np.arange(60), 25)
    labels = (rng.random(60) < 0.5).astype(np.int64)[networks]
    matrix = np.column_stack([rng.random(60)[networks], rng.normal(size=(len(labels), 2))])
    champion = labels * 1.5 + rng.normal(0.0, 1.0, len(labels))
    by_account = fit_platform_stack(champion, matrix, labels, networks, FEATURES, seed=0)
    by_network = fit_platform_stack(
        champion, matrix, labels, networks, FEATURES, seed=0, folds_by="network"
    )
    assert by_account.evidence["platform_average_precision"] > 0.95
    assert by_account.stack.platform_weight > by_account.stack.champion_weight
    assert by_network.stack.platform_weight < by_account.stack.platform_weight


def test_a_network_is_judged_by_a_model_that_never_saw_it() -> None:
    # labels drawn per network at random and a feature that only names the network: a model
    # that saw the network memorises it; out of fold there is nothing to learn
    rng = np.random.default_rng(7)
    networks = np.repeat(np.arange(60), 25)
    labels = (rng.random(60) < 0.5).astype(np.int64)[networks]
    matrix = np.column_stack([rng.random(60)[networks], rng.normal(size=(len(labels), 2))])
    champion = labels * 1.5 + rng.normal(0.0, 1.0, len(labels))  # knows something real
    fit = fit_platform_stack(
        champion, matrix, labels, networks, FEATURES, seed=0, folds_by="network"
    )
    in_sample = fit.stack.booster.predict(matrix, raw_score=True)
    assert average_precision_score(labels, in_sample) > 0.95  # it did memorise the networks
    assert fit.evidence["platform_average_precision"] < 0.75  # but was judged without them
    assert fit.stack.champion_weight > 3 * fit.stack.platform_weight


def test_decisions_in_too_few_networks_are_refused() -> None:
    matrix, labels, networks = _platform(30, 20, seed=8)
    only = np.isin(networks % 1000, [1, 3, 0, 2, 4, 6, 8, 10])  # 2 scheme networks, 6 legitimate
    with pytest.raises(TrainingDataError, match=f"in 2 networks.*at least {MIN_NETWORKS}"):
        fit_platform_stack(
            np.zeros(int(only.sum())), matrix[only], labels[only], networks[only], FEATURES
        )
    with pytest.raises(TrainingDataError, match="20 confirmed accounts in 1 networks and 30"):
        fit_platform_stack(np.zeros(50), matrix[:50], labels[:50], networks[:50], FEATURES)
