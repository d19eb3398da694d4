"""A scoring run as of the future is refused before anything is read or written: the run with
the newest as_of is the one readers see, so a mistyped year must not become it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from features.errors import DataContractError
from risk.scoring.run import refuse_future_as_of, run_scoring


def test_an_as_of_in_the_future_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataContractError, match="cannot be as of the future"):
        run_scoring(
            snapshot_dir=tmp_path / "no-such-snapshot",
            as_of=pd.Timestamp("2250-01-01", tz="UTC"),
            model_ref="mlm-risk/1",
            store_url=f"sqlite:///{tmp_path / 'risk.db'}",
            tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}",
        )
    assert not (tmp_path / "risk.db").exists()
    refuse_future_as_of(None)
    refuse_future_as_of(pd.Timestamp.now(tz="UTC"))
