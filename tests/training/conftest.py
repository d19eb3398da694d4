from __future__ import annotations

import pytest

from features.snapshot import Snapshot
from training.simulator import SimulationConfig, simulate_platform


@pytest.fixture(scope="session")
def small_platform() -> Snapshot:
    """A small simulated platform (labels with role and family), built once per session."""
    return simulate_platform(SimulationConfig(accounts=3000, seed=3))
