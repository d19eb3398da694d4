from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from risk.scoring.drift import PSI_WARNING, bin_shares, drift_report, population_stability_index


def _deciles(values: np.ndarray) -> tuple[list[float], list[float]]:
    edges = np.quantile(values, np.linspace(0, 1, 11))
    return edges.tolist(), bin_shares(values, edges, 10).tolist()


def test_same_distribution_is_stable() -> None:
    rng = np.random.default_rng(1)
    edges, shares = _deciles(rng.normal(size=50_000))
    assert population_stability_index(shares, rng.normal(size=50_000), edges) < 0.01


def test_shifted_distribution_exceeds_the_warning_level() -> None:
    rng = np.random.default_rng(2)
    edges, shares = _deciles(rng.normal(size=50_000))
    assert population_stability_index(shares, rng.normal(1.5, 1, size=50_000), edges) > PSI_WARNING


def test_values_beyond_the_training_range_fall_in_the_end_bins() -> None:
    shares = bin_shares(np.array([-100.0, 0.5, 100.0]), [0.0, 0.25, 0.75, 1.0], 3)
    assert shares.tolist() == [1 / 3, 1 / 3, 1 / 3]


def test_inner_edges_only_are_accepted() -> None:
    assert bin_shares(np.array([0.1, 0.5, 0.9]), [0.25, 0.75], 3).tolist() == [1 / 3, 1 / 3, 1 / 3]


def test_empty_bins_keep_psi_finite() -> None:
    psi = population_stability_index([0.5, 0.5, 0.0], np.array([5.0, 5.0]), [0.0, 1.0, 2.0, 3.0])
    assert np.isfinite(psi) and psi > PSI_WARNING


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=200),
    st.lists(st.floats(0.01, 1.0), min_size=4, max_size=4),
)
def test_psi_is_never_negative(values: list[float], weights: list[float]) -> None:
    shares = np.array(weights) / sum(weights)
    psi = population_stability_index(shares, np.array(values), [-10.0, 0.0, 10.0])
    assert psi >= 0


def test_drift_report_warns_on_shifted_feature_and_score() -> None:
    rng = np.random.default_rng(3)
    train = rng.normal(size=20_000)
    edges, shares = _deciles(train)
    reference = {"stable": {"bin_edges": edges, "proportions": shares}}
    reference["shifted"] = reference["stable"]
    features = pd.DataFrame({"stable": rng.normal(size=5000), "shifted": rng.normal(3, 1, 5000)})
    report = drift_report(
        features,
        rng.normal(3, 1, 5000),
        reference,
        {"bin_edges": edges, "proportions": shares},
    )
    assert report["feature_psi"]["stable"] < 0.05
    assert report["feature_psi"]["shifted"] > PSI_WARNING
    assert report["score_psi"] > PSI_WARNING
    assert len(report["warnings"]) == 2 and "score" in report["warnings"][0]


def test_binning_matches_the_model_reference_convention() -> None:
    from models.reference import bin_proportions, distribution

    rng = np.random.default_rng(4)
    train = np.round(rng.exponential(size=5000), 1)  # ties on the cuts
    stored = distribution(train)
    fresh = np.round(rng.exponential(size=3000), 1)
    expected = bin_proportions(fresh, stored["bin_edges"])
    actual = bin_shares(fresh, stored["bin_edges"], len(stored["proportions"]))
    assert np.allclose(actual, expected)
    assert population_stability_index(stored["proportions"], train, stored["bin_edges"]) < 1e-9
