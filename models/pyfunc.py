"""The MLflow pyfunc wrapper: returns calibrated probabilities, never class labels."""

from __future__ import annotations

from typing import Any

import pandas as pd
from mlflow.pyfunc.model import PythonModel

from models.mlflow_io import scorer_from_files


class RiskPyfunc(PythonModel):
    """Scores a feature table: one column ``probability`` = P(pyramid-style participation)."""

    def load_context(self, context: Any) -> None:
        self._scorer = scorer_from_files(
            context.artifacts, name="", version="", run_id="", model_uri="pyfunc"
        )

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> pd.DataFrame:
        return pd.DataFrame({"probability": self._scorer.predict_proba(model_input)})
