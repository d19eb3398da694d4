from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.build import build_features
from features.snapshot import Snapshot
from training.errors import TrainingDataError
from training.splits import PARTS, network_parts, out_of_time_split, shared_networks


def _accounts(sizes: list[int], scheme: list[bool]) -> tuple[pd.Series, pd.Series]:
    network = np.repeat([f"N{i}" for i in range(len(sizes))], sizes)
    label = np.repeat(np.asarray(scheme, dtype=int), sizes)
    index = pd.Index([f"A{i}" for i in range(len(network))], name="account_id")
    return pd.Series(network, index=index), pd.Series(label, index=index)


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 60), min_size=12, max_size=120),
    seed=st.integers(0, 10_000),
)
def test_no_network_on_two_sides(sizes: list[int], seed: int) -> None:
    scheme = [i % 3 == 0 for i in range(len(sizes))]
    network, label = _accounts(sizes, scheme)
    parts = network_parts(network, label, seed)
    assert shared_networks(network, parts) == []
    assert set(parts.unique()) <= set(PARTS)
    pd.testing.assert_series_equal(parts, network_parts(network, label, seed))  # deterministic


def test_parts_follow_target_shares_on_the_simulated_platform(small_platform: Snapshot) -> None:
    features = build_features(small_platform)
    labels = small_platform.labels
    assert labels is not None
    label = labels.set_index("account_id")["label"].reindex(features.index)
    parts = network_parts(features["network_id"], label, seed=7)
    assert shared_networks(features["network_id"], parts) == []
    shares = parts.value_counts(normalize=True)
    assert shares["train"] == pytest.approx(0.6, abs=0.12)
    assert shares["test"] == pytest.approx(0.2, abs=0.1)
    # both kinds of network reach the test part (stratified)
    assert label[parts == "test"].nunique() == 2


def test_one_kind_of_network_is_refused() -> None:
    network, label = _accounts([3, 4, 5], [False, False, False])
    with pytest.raises(TrainingDataError, match="both kinds"):
        network_parts(network, label, 1)


def test_out_of_time_trains_before_it_tests() -> None:
    joined = pd.Series(pd.date_range("2025-01-01", periods=100, freq="D", tz="UTC"))
    split = out_of_time_split(joined, joined.max(), 0.7)
    assert joined.min() < split.train_as_of < split.test_as_of
    assert (joined <= split.train_as_of).mean() == pytest.approx(0.7, abs=0.02)
    with pytest.raises(TrainingDataError):
        out_of_time_split(joined, joined.max(), 1.5)
