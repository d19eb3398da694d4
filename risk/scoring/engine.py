"""The engine interface of a scoring run: what the local and the Spark engines each supply.

As with feast's compute engines, the run itself (``risk.scoring.run.run_scoring``: validate,
load the model, recognise a published run, score, publish) is written once; an engine supplies
only reading the snapshot (``inputs``) and scoring its accounts (``score``). ``local`` is one
process with pandas (``risk.scoring.local``); ``spark`` computes features and scores on a
cluster (``risk.scoring.spark``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from risk.scoring.progress import StageClock

if TYPE_CHECKING:
    from models.scorer import RiskScorer
    from risk.scoring.reuse import PreviousRun


@dataclass(frozen=True)
class RunInputs:
    """A validated snapshot as the run knows it: as_of, data fingerprint and location."""

    as_of: pd.Timestamp
    fingerprint: str
    location: str


@dataclass(frozen=True)
class Scored:
    """What an engine scored: the run table (``table.run_table``), the feature table and what
    the prior-shift correction did (``risk.scoring.prior``), with the scores as calibrated in
    training when the engine kept them (the drift check compares those with the reference)."""

    table: pd.DataFrame
    features: pd.DataFrame
    prior_shift: dict[str, Any] | None = None
    calibrated: pd.Series | None = None
    reasons_reused: int = 0  # accounts whose reasons came from the previous run unchanged
    scores_reused: int = 0  # accounts whose calibrated score did


class ScoringEngine(ABC):
    """Reads a snapshot and scores its accounts; one instance serves one run."""

    name: ClassVar[str]

    @abstractmethod
    def inputs(self, snapshot_dir: str | Path, as_of: pd.Timestamp | None) -> RunInputs:
        """Read and validate the snapshot (bad input raises DataContractError); keep it."""

    @abstractmethod
    def score(
        self,
        scorer: RiskScorer,
        clock: StageClock,
        *,
        chunk_size: int,
        prior_shift: str = "off",
        previous: PreviousRun | None = None,
    ) -> Scored:
        """Features, scores, bands, reasons, roles and indicators of the snapshot read; with
        ``prior_shift`` ``em`` the scores adjusted to its estimated scheme share first;
        ``previous``: a published run of the same model whose reasons may be reused
        (``risk.scoring.reuse``; an engine may ignore it)."""
