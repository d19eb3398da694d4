"""The platform simulator: labelled seller-network worlds written in the data contract.

``simulate_platform(SimulationConfig(...))`` builds a snapshot in memory; ``write_snapshot``
writes it (csv or parquet, byte-identical for the same seed). Family habits live in
``training.simulator.families``.
"""

from __future__ import annotations

from training.simulator.config import SimulationConfig
from training.simulator.errors import SimulationConfigError, SimulationError
from training.simulator.families import FAMILIES, FAMILY_NAMES, Family
from training.simulator.platform import simulate_platform
from training.simulator.writer import write_snapshot

__all__ = [
    "FAMILIES",
    "FAMILY_NAMES",
    "Family",
    "SimulationConfig",
    "SimulationConfigError",
    "SimulationError",
    "simulate_platform",
    "write_snapshot",
]
