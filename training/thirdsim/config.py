"""The knobs of one generated platform: its size, seed, scheme share and habits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

IdStyle = Literal["numeric", "hex", "prefixed"]


class ThirdSimError(ValueError):
    """A platform that cannot be generated as asked (the message names the knob)."""


@dataclass(frozen=True)
class ThirdSimConfig:
    """One platform: ``accounts`` seller accounts over ``span_days`` starting at ``start``.

    ``scheme_share`` is the share of accounts in scheme networks (honoured to within one
    network's rounding); ``price_scale`` multiplies every price (another currency);
    ``commission_share`` is the share of networks whose pay appears in the commissions table
    at all (the others pay through the margin on stock, or the platform does not see it).
    """

    accounts: int = 20_000
    seed: int = 7
    scheme_share: float = 0.3
    span_days: int = 540
    start: str = "2025-01-01"
    price_scale: float = 1.0
    id_style: IdStyle = "hex"
    commission_share: float = 0.85

    def __post_init__(self) -> None:
        if self.accounts < 200:
            raise ThirdSimError(f"accounts must be >= 200, got {self.accounts}")
        if not 0.0 <= self.scheme_share <= 0.9:
            raise ThirdSimError(f"scheme_share must be in [0, 0.9], got {self.scheme_share}")
        if self.span_days < 120:
            raise ThirdSimError(f"span_days must be >= 120, got {self.span_days}")
        if self.price_scale <= 0:
            raise ThirdSimError(f"price_scale must be > 0, got {self.price_scale}")
        if self.id_style not in ("numeric", "hex", "prefixed"):
            raise ThirdSimError(f"id_style must be numeric, hex or prefixed: {self.id_style}")
        if not 0.0 <= self.commission_share <= 1.0:
            raise ThirdSimError(f"commission_share must be in [0, 1]: {self.commission_share}")

    @property
    def start_time(self) -> pd.Timestamp:
        """The platform's first day, in UTC."""
        return pd.Timestamp(self.start, tz="UTC")
