"""What to simulate: size, seed, class balance and time span."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from training.simulator.errors import SimulationConfigError


@dataclass(frozen=True)
class SimulationConfig:
    """A platform to simulate; the same config always gives the same snapshot."""

    accounts: int = 20_000
    seed: int = 0
    positive_share: float = 0.3  # share of accounts taking part in a pyramid-style scheme
    start: datetime = field(default_factory=lambda: datetime(2025, 1, 1, tzinfo=UTC))
    span_days: int = 365
    orders_per_account: float = 10.0  # target mean, consumer sales and agent purchases together

    def __post_init__(self) -> None:
        if self.accounts < 100:
            raise SimulationConfigError(f"accounts must be at least 100, got {self.accounts}")
        if not 0.0 < self.positive_share < 1.0:
            raise SimulationConfigError(
                f"positive_share must be strictly between 0 and 1, got {self.positive_share}"
            )
        if self.span_days < 30:
            raise SimulationConfigError(f"span_days must be at least 30, got {self.span_days}")
        if self.orders_per_account <= 0:
            raise SimulationConfigError("orders_per_account must be positive")
        if self.start.tzinfo is None:
            raise SimulationConfigError("start must be timezone-aware (UTC)")

    @property
    def span_seconds(self) -> int:
        """Length of the simulated period in seconds."""
        return self.span_days * 86_400
