from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from models.reference import bin_proportions, build_reference, distribution


def test_training_values_reproduce_their_own_proportions() -> None:
    values = np.random.default_rng(2).exponential(size=5000)
    stored = distribution(values)
    np.testing.assert_allclose(bin_proportions(values, stored["bin_edges"]), stored["proportions"])
    assert len(stored["proportions"]) == 10


@given(arrays(np.float64, st.integers(1, 300), elements=st.floats(-1e6, 1e6) | st.just(np.nan)))
def test_proportions_sum_to_one(values: np.ndarray) -> None:
    stored = distribution(values)
    if stored["proportions"]:
        assert abs(sum(stored["proportions"]) - 1.0) < 1e-9
    assert 0.0 <= stored["missing_share"] <= 1.0


def test_medians_come_from_legitimate_accounts_only() -> None:
    matrix = np.array([[1.0, 10.0], [3.0, 30.0], [100.0, 1000.0]])
    reference = build_reference(matrix, ["a", "b"], np.array([0, 0, 1]), np.array([0.1, 0.2, 0.9]))
    assert reference["features"]["a"]["median_legitimate"] == 2.0
    assert reference["features"]["b"]["median_legitimate"] == 20.0
