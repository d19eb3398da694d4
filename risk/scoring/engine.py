"""The engines of a scoring run and the publishing steps they share after scoring.

``local`` is ``risk.scoring.run.run_scoring`` (one process, pandas); ``spark`` is
``risk.scoring.spark.run_scoring_spark`` (features and scoring on a cluster). Both end in the
same ``risk.scoring.publish.publish_scored``.
"""

from __future__ import annotations

from typing import Any, Literal

from risk.scoring.publish import ScoringSummary

Engine = Literal["local", "spark"]
ENGINES: tuple[str, ...] = ("local", "spark")


def run_with_engine(engine: str, *, spark_master: str | None = None, **run: Any) -> ScoringSummary:
    """Run the scoring with ``engine``; the keyword arguments are ``run_scoring``'s."""
    if engine == "spark":
        from risk.scoring.spark import run_scoring_spark

        return run_scoring_spark(spark_master=spark_master, **run)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    from risk.scoring.run import run_scoring

    return run_scoring(**run)
