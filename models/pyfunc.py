"""The MLflow pyfunc wrapper: calibrated probabilities and bands, never class labels.

Logged as "models from code" (``models.mlflow_code``): MLflow loads it from the copy of this
package that travels with the model, so a pyfunc user needs only the model's requirements.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from mlflow.pyfunc.model import PythonModel

from models.mlflow_io import scorer_from_files
from models.scorer import RiskScorer
from models.vocab import BAND_NAMES


class RiskPyfunc(PythonModel):
    """Scores a feature table: ``probability`` = P(pyramid-style participation), calibrated at
    the training scheme share, and ``band``, by the thresholds stored with the model (also in
    the model's metadata, ``band_thresholds``, and :attr:`thresholds`)."""

    _scorer: RiskScorer

    def load_context(self, context: Any) -> None:
        self._scorer = scorer_from_files(
            context.artifacts, name="", version="", run_id="", model_uri="pyfunc"
        )

    @property
    def thresholds(self) -> Mapping[str, float]:
        """Each band above ``low`` -> the lowest probability in it."""
        return dict(self._scorer.thresholds)

    @property
    def band_names(self) -> tuple[str, ...]:
        """Bands from lowest to highest."""
        return BAND_NAMES

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> pd.DataFrame:
        probability = self._scorer.predict_proba(model_input)
        return pd.DataFrame({"probability": probability, "band": self._scorer.bands(probability)})
