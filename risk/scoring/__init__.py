"""The nightly scoring run: one skeleton (``run_scoring``) over an engine, local or Spark."""

from risk.scoring.engine import RunInputs, Scored, ScoringEngine
from risk.scoring.local import LocalEngine
from risk.scoring.publish import ScoringSummary
from risk.scoring.run import ENGINES, engine_named, run_scoring
from risk.scoring.shadow import ShadowSummary, shadow_score
from risk.scoring.spark import SparkEngine

__all__ = [
    "ENGINES",
    "LocalEngine",
    "RunInputs",
    "Scored",
    "ScoringEngine",
    "ScoringSummary",
    "ShadowSummary",
    "SparkEngine",
    "engine_named",
    "run_scoring",
    "shadow_score",
]
