"""Exact tallies of the score rows a prune removed: what a pruned run's report still counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Scores are tallied in cells of 1/1000; the report's histogram bins are whole groups of cells,
# so its counts come out the same whether a row is still stored or only tallied.
SCORE_CELLS = 1_000


def score_cells(scores: Sequence[float] | np.ndarray) -> np.ndarray:
    """The cell (0 to SCORE_CELLS - 1) of each score in [0, 1]; a score of 1 is in the last."""
    values = np.asarray(scores, dtype="float64")
    return np.clip(np.floor(values * SCORE_CELLS), 0, SCORE_CELLS - 1).astype("int64")


@dataclass(frozen=True)
class DroppedRows:
    """Accounts removed from one run, counted by score cell, by region and by network tier.

    Network tiers are kept only for networks that still have rows in the run (at band medium
    or above): the only networks a report can show. A region or tier may be None (unknown).
    """

    score_cells: Counter[int] = field(default_factory=Counter)
    regions: Counter[str | None] = field(default_factory=Counter)
    network_tiers: Counter[tuple[str, int | None]] = field(default_factory=Counter)

    @property
    def accounts(self) -> int:
        """How many rows these tallies stand for."""
        return sum(self.regions.values())

    @classmethod
    def of_rows(cls, rows: Iterable[Any], networks_kept: set[str]) -> DroppedRows:
        """Tally score rows (with score, region, network_id and tier) about to be deleted."""
        listed = list(rows)
        cells = score_cells([row.score for row in listed])
        return cls(
            score_cells=Counter(int(cell) for cell in cells),
            regions=Counter(row.region for row in listed),
            network_tiers=Counter(
                (row.network_id, row.tier) for row in listed if row.network_id in networks_kept
            ),
        )

    def __add__(self, other: DroppedRows) -> DroppedRows:
        return DroppedRows(
            score_cells=self.score_cells + other.score_cells,
            regions=self.regions + other.regions,
            network_tiers=self.network_tiers + other.network_tiers,
        )

    def to_json(self) -> dict[str, Any]:
        """Sorted lists of [key..., accounts] (JSON object keys could not hold None or pairs)."""
        return {
            "score_cells": [[cell, n] for cell, n in sorted(self.score_cells.items())],
            "regions": [[region, n] for region, n in _sorted(self.regions.items())],
            "network_tiers": [
                [network, tier, n] for (network, tier), n in _sorted(self.network_tiers.items())
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> DroppedRows:
        """Read back what ``to_json`` stored (None: nothing removed yet)."""
        data = data or {}
        return cls(
            score_cells=Counter({int(cell): int(n) for cell, n in data.get("score_cells", [])}),
            regions=Counter({region: int(n) for region, n in data.get("regions", [])}),
            network_tiers=Counter(
                {(network, tier): int(n) for network, tier, n in data.get("network_tiers", [])}
            ),
        )


def _sorted(items: Iterable[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """A deterministic order for keys that may be or hold None (which does not compare)."""
    return sorted(items, key=lambda item: repr(item[0]))
