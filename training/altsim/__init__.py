"""An independently written world generator: a second simulator to test generalisation.

Agent-based and event-driven, day by day: networks recruit by a self-exciting (Hawkes)
process with preferential attachment; agents buy stock, retail, stage sales, meet quotas and
quit after losses; compensation plans are explicit rules (entry fees and packages, unilevel
levels, per-head bonuses, binary pairing, forced matrix, agent-level pricing). Labels come
from the legal elements measured on what happened (``labels.py``), not from the archetype.
See docs/independent_simulator.md.
"""

from training.altsim.config import AltSimConfig
from training.altsim.errors import AltSimError
from training.altsim.generate import GeneratedWorld, generate_world, simulate_world, write_world
from training.altsim.networks import ARCHETYPES

__all__ = [
    "ARCHETYPES",
    "AltSimConfig",
    "AltSimError",
    "GeneratedWorld",
    "generate_world",
    "simulate_world",
    "write_world",
]
