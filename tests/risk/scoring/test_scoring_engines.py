"""The engine interface: engines by name, one run per engine, the shared skeleton's contract."""

from __future__ import annotations

import pytest

from risk.scoring import ENGINES, LocalEngine, ScoringEngine, SparkEngine, engine_named
from risk.scoring.progress import StageClock


def test_every_engine_name_has_an_engine_class() -> None:
    assert {LocalEngine.name, SparkEngine.name} == set(ENGINES)
    assert issubclass(LocalEngine, ScoringEngine) and issubclass(SparkEngine, ScoringEngine)


def test_engine_named_gives_a_new_engine_per_run_and_refuses_unknown_names() -> None:
    first, second = engine_named("local"), engine_named("local")
    assert isinstance(first, LocalEngine) and first is not second
    with pytest.raises(ValueError, match="unknown engine 'dask'"):
        engine_named("dask")


def test_scoring_before_reading_a_snapshot_is_a_bug() -> None:
    with pytest.raises(RuntimeError, match="before inputs"):
        LocalEngine().score(None, StageClock(), chunk_size=10)  # type: ignore[arg-type]


def test_spark_reasons_travel_as_structs_with_the_reason_fields() -> None:
    from models.explain_text import Reason
    from risk.scoring.spark import reasons_type

    fields = list(Reason("recruits_30d", 31.0, 0.8, 2.0).to_dict())
    assert fields == ["feature", "value", "contribution", "reference"]
    assert reasons_type() == (
        "array<struct<feature:string,value:double,contribution:double,reference:double>>"
    )
