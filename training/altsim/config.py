"""Settings of one generated world."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from training.altsim.errors import AltSimError


@dataclass(frozen=True)
class AltSimConfig:
    """What world to generate. ``accounts`` is a target: networks grow by a random process,
    so the realised count lands near it, not on it; labels come from the legal rule, so the
    realised positive share lands near ``scheme_share``, not on it."""

    accounts: int = 20_000
    seed: int = 0
    scheme_share: float = 0.3  # share of the account budget given to scheme-minded plans
    span_days: int = 365
    start: datetime = datetime(2024, 9, 1, tzinfo=UTC)
    families: tuple[str, ...] | None = None  # None = every family

    def __post_init__(self) -> None:
        if self.accounts < 50:
            raise AltSimError(f"accounts must be at least 50, got {self.accounts}")
        if not 0.0 <= self.scheme_share <= 0.9:
            raise AltSimError(f"scheme_share must be in [0, 0.9], got {self.scheme_share}")
        if not 60 <= self.span_days <= 3650:
            raise AltSimError(f"span_days must be in [60, 3650], got {self.span_days}")
