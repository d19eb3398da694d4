from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.build import resolve_as_of
from features.registry import REGISTRY, model_feature_names
from features.snapshot import Snapshot
from training.config import TrainingConfig
from training.data import labelled_features
from training.directions import LEGAL_GROUNDS, legal_directions
from training.pipeline import Fitted, fit_on_parts
from training.splits import network_parts


def test_constrained_features_are_model_inputs_with_a_registry_direction() -> None:
    inputs = set(model_feature_names())
    assert set(LEGAL_GROUNDS) <= inputs
    directions = legal_directions(model_feature_names())
    assert set(directions) == set(LEGAL_GROUNDS)
    for name, sign in directions.items():
        assert REGISTRY[name].riskier == {1: "higher", -1: "lower"}[sign], name


def test_structure_stays_free_and_unknown_features_are_skipped() -> None:
    asked = ["tier_capped", "network_depth_capped", "network_size", "consumer_sales_share", "noise"]
    assert legal_directions(asked) == {"consumer_sales_share": -1}


@pytest.fixture(scope="module")
def fitted(small_platform: Snapshot) -> tuple[Fitted, pd.DataFrame]:
    assert small_platform.labels is not None
    as_of = resolve_as_of(small_platform, None)
    table = labelled_features(small_platform, small_platform.labels, as_of)
    parts = network_parts(table["network_id"], table["label"], 3)
    fitted = fit_on_parts(table, parts, model_feature_names(), TrainingConfig(seed=3))
    return fitted, table


@pytest.mark.slow
def test_the_pipeline_passes_the_legal_directions_to_lightgbm(
    fitted: tuple[Fitted, pd.DataFrame],
) -> None:
    classifier = fitted[0].classifier
    features = classifier.feature_names_
    expected = [legal_directions(features).get(name, 0) for name in features]
    assert classifier.lightgbm_params(np.array([0, 1]), features)["monotone_constraints"] == (
        expected
    )
    # the saved booster (what serving loads) carries the constraints it was grown under
    model_text = classifier.booster_.model_to_string()
    assert f"[monotone_constraints: {','.join(map(str, expected))}]" in model_text


@pytest.mark.slow
def test_moving_a_constrained_feature_the_risky_way_never_lowers_the_score(
    fitted: tuple[Fitted, pd.DataFrame],
) -> None:
    classifier, table = fitted[0].classifier, fitted[1]
    rows = table[classifier.feature_names_].sample(400, random_state=1)
    before = classifier.raw_score(rows)
    moved_any = False
    for name, sign in legal_directions(classifier.feature_names_).items():
        values = rows[name]
        spread = float(np.nanquantile(table[name], 0.9) - np.nanquantile(table[name], 0.1))
        step = spread if spread > 0 else 1.0
        riskier = rows.assign(**{name: values + sign * step})
        after = classifier.raw_score(riskier)
        known = values.notna().to_numpy()
        assert np.all(after[known] >= before[known] - 1e-9), name
        moved_any |= bool(np.any(after[known] > before[known] + 1e-6))
    assert moved_any  # the constrained features do carry weight in the model
