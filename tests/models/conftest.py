from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.classifier import RiskClassifier


def synthetic_accounts(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """A toy feature table where risk rises with two signals and noise blurs the boundary."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "recruits_30d": rng.poisson(3, n).astype("float64"),
            "consumer_sales_share": rng.uniform(0, 1, n),
            "downline_size": rng.lognormal(2, 1, n),
            "noise": rng.normal(size=n),
        }
    )
    logit = 0.6 * X["recruits_30d"] - 4 * X["consumer_sales_share"] + rng.normal(0, 1, n) - 1.5
    y = (logit > 0).astype("int64").to_numpy()
    return X, y


@pytest.fixture(scope="session")
def toy_split() -> dict[str, tuple[pd.DataFrame, np.ndarray]]:
    X, y = synthetic_accounts(6000, seed=3)
    return {
        "train": (X.iloc[:3000], y[:3000]),
        "val": (X.iloc[3000:4500], y[3000:4500]),
        "test": (X.iloc[4500:], y[4500:]),
    }


@pytest.fixture(scope="session")
def fitted(toy_split: dict[str, tuple[pd.DataFrame, np.ndarray]]) -> RiskClassifier:
    (X, y), (X_val, y_val) = toy_split["train"], toy_split["val"]
    return RiskClassifier(n_estimators=150, learning_rate=0.1, random_state=11).fit(
        X, y, X_val, y_val
    )
