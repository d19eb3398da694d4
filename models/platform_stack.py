"""A challenger that learns the platform from its decisions and keeps the simulators' prior:
the champion's calibrated log-odds stacked with a model fitted on the platform's decided
accounts (``training/stacking.py`` fits it).

    log-odds = champion_weight * champion's calibrated log-odds
             + platform_weight * platform model's log-odds + intercept

The weights come from a logistic regression on out-of-fold predictions (folds by decided
account), so the platform model counts as much as it predicts accounts whose labels it has not
seen: on a
world unlike the simulators (a champion AP of 0.2) it takes over, on one like them the
champion keeps most of the say. It ships as two artifacts (``platform.txt``: the LightGBM
booster; ``stack.json``: the weights).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class PlatformStack:
    """The platform model and the weights that stack it on the champion."""

    booster: Any  # lightgbm.Booster fitted on the platform's decided accounts
    champion_weight: float
    platform_weight: float
    intercept: float

    def log_odds(
        self, champion_log_odds: NDArray[np.float64], matrix: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """The stacked log-odds of each row (``matrix``: the model's input columns)."""
        platform = np.asarray(self.booster.predict(matrix, raw_score=True), dtype=np.float64)
        return np.asarray(
            self.champion_weight * champion_log_odds
            + self.platform_weight * platform
            + self.intercept
        )

    def weights_json(self) -> str:
        """``stack.json``: the weights (the booster is its own file)."""
        weights = {
            "champion_weight": self.champion_weight,
            "platform_weight": self.platform_weight,
            "intercept": self.intercept,
        }
        return json.dumps(weights, indent=1)

    @classmethod
    def from_files(cls, booster: Any, weights_json: str) -> PlatformStack:
        """The stack from ``platform.txt`` (loaded) and ``stack.json`` (text)."""
        weights = json.loads(weights_json)
        return cls(
            booster=booster,
            champion_weight=float(weights["champion_weight"]),
            platform_weight=float(weights["platform_weight"]),
            intercept=float(weights["intercept"]),
        )
