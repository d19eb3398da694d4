"""The nightly scoring run: engines (local, Spark), the shared run skeleton and the publish."""

from risk.scoring.engine import ENGINES, run_with_engine
from risk.scoring.publish import ScoringSummary
from risk.scoring.run import run_scoring

__all__ = ["ENGINES", "ScoringSummary", "run_scoring", "run_with_engine"]
