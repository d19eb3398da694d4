"""The demo records a first moderator's decisions before it exports the report, so a first
regulator sees what the platform did; once only."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from risk.service.demo import DEMO_REVIEWER, seed_decisions
from risk.settings import Settings
from risk.store.decisions import list_decisions
from tests.risk.conftest import RunWriter, make_scores


def test_the_demo_seeds_a_few_decisions_once(
    store_engine: Engine, store_url: str, publish_scores: RunWriter, tmp_path: Path
) -> None:
    publish_scores(make_scores(300, seed=9))
    settings = Settings.model_validate({"home": str(tmp_path), "database_url": store_url})
    said: list[str] = []
    assert seed_decisions(settings, said.append) == 4
    decisions = list_decisions(store_engine)
    assert [d.decision for d in decisions] == ["confirm", "confirm", "escalate", "dismiss"]
    assert {d.reviewer for d in decisions} == {DEMO_REVIEWER}
    assert seed_decisions(settings, said.append) == 0  # a second demo adds none
    assert len(list_decisions(store_engine)) == 4 and "already" in said[-1]
