"""A third platform generator, written from DOMAIN.md and DATA_CONTRACT.md alone, to measure
detection on a world neither training simulator made.

Networks are drawn per family (``families.py``: eight scheme families and seven lawful
look-alikes), their trees grown by one vectorised attachment rule or a forced fill, and their
trade and pay generated for all members at once. See docs/independent_simulator.md.

    from training.thirdsim import generate
    generate(accounts=100_000, seed=7, scheme_share=0.05, out="out/third7")
"""

from __future__ import annotations

from pathlib import Path

from features.snapshot import Snapshot
from training.thirdsim.config import IdStyle, ThirdSimConfig, ThirdSimError
from training.thirdsim.families import FAMILIES, LOOKALIKES, SCHEMES
from training.thirdsim.generate import Platform, as_snapshot, build_platform, write_platform


def generate(
    accounts: int,
    seed: int,
    scheme_share: float = 0.3,
    *,
    out: Path | str,
    span_days: int = 540,
    price_scale: float = 1.0,
    id_style: IdStyle = "hex",
    commission_share: float = 0.85,
) -> Path:
    """Generate a platform and write it as a snapshot directory; return the directory."""
    config = ThirdSimConfig(
        accounts=accounts,
        seed=seed,
        scheme_share=scheme_share,
        span_days=span_days,
        price_scale=price_scale,
        id_style=id_style,
        commission_share=commission_share,
    )
    return write_platform(build_platform(config), Path(out))


def simulate(config: ThirdSimConfig) -> Snapshot:
    """Generate a platform as an in-memory snapshot (labels with role and family)."""
    return as_snapshot(build_platform(config))


__all__ = [
    "FAMILIES",
    "LOOKALIKES",
    "SCHEMES",
    "Platform",
    "ThirdSimConfig",
    "ThirdSimError",
    "as_snapshot",
    "build_platform",
    "generate",
    "simulate",
    "write_platform",
]
