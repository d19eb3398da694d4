"""Exploration: the share of the daily queue is respected, picks come from undecided accounts
beyond the ordinary top of the queue, each with a known inclusion probability, marked
``reason: exploration`` at fixed places of the pending queue."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from risk.service.exploration import (
    ExplorationPlan,
    draw_exploration,
    inclusion_probabilities,
    systematic_sample,
)
from risk.service.queue import day_picks, queue_page
from risk.store.decisions import record_decision
from tests.risk.conftest import RunWriter, make_scores

PLAN = ExplorationPlan(capacity=100, share=0.05, seed=7)
QUERY = {"bands": None, "region": None, "network_id": None, "roles": None}


def _page(engine: Engine, plan: ExplorationPlan | None, **query: object) -> list:  # type: ignore[type-arg]
    # the score order: the picks' places are checked against plain ranks (the priority order
    # places them the same way: risk.service.queue composes exploration with either order)
    chosen = {**QUERY, "decision_status": "pending", "limit": 100, "offset": 0, **query}
    order = str(chosen.pop("order", "score"))
    return list(queue_page(engine=engine, plan=plan, order=order, **chosen).items)  # type: ignore[arg-type]


def test_inclusion_probabilities_sum_to_n_and_stay_at_most_one() -> None:
    weights = np.array([10.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    pi = inclusion_probabilities(weights, 3)
    assert pi.sum() == pytest.approx(3.0) and pi.max() == 1.0
    assert pi[1:] == pytest.approx([0.4] * 5)  # the sure one taken, the rest share 2


def test_systematic_sampling_draws_exactly_n_with_the_stated_probabilities() -> None:
    weights = np.linspace(0.01, 0.26, 40)
    pi = inclusion_probabilities(weights, 5)
    rng = np.random.default_rng(0)
    counts: Counter[int] = Counter()
    draws = 20_000
    for _ in range(draws):
        chosen = systematic_sample(pi, rng)
        assert len(set(chosen.tolist())) == 5
        counts.update(chosen.tolist())
    observed = np.array([counts[i] / draws for i in range(40)])
    assert np.abs(observed - pi).max() < 0.015


def _top(scores: pd.DataFrame, count: int = 95) -> list[str]:
    return scores.sort_values("rank")["account_id"].head(count).tolist()


def test_draw_leaves_the_ordinary_top_of_the_queue_out_and_is_reproducible() -> None:
    scores = make_scores(2_000, seed=3)[["account_id", "score", "rank"]]
    top = _top(scores)
    picks = draw_exploration(scores, PLAN, "run-a", top)
    assert len(picks) == 5 and list(picks["position"]) == [0, 1, 2, 3, 4]
    ranks = scores.set_index("account_id").loc[picks["account_id"], "rank"]
    assert ranks.min() > 95  # the first 95 pending places are the default order's
    assert picks["inclusion_probability"].between(0, 1).all()
    assert draw_exploration(scores, PLAN, "run-a", top).equals(picks)
    assert not draw_exploration(scores, PLAN, "run-b", top)["account_id"].equals(
        picks["account_id"]
    )
    # Uncertain accounts are likelier: the mean p(1-p) of the picks beats the population's.
    many = pd.concat(draw_exploration(scores, PLAN, f"run-{i}", top) for i in range(200))
    chosen = scores.set_index("account_id").loc[many["account_id"], "score"]
    population = scores["score"].iloc[95:]
    assert (chosen * (1 - chosen)).mean() > (population * (1 - population)).mean()


def test_the_draw_leaves_out_what_the_priority_queue_shows_first_not_the_top_ranks(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    # 40 likely organizers far down the score order: the default (priority) queue shows them
    # among its first 95 places, ahead of accounts ranked 56-95 by score
    scores = make_scores(1_000, seed=4)
    organizers = scores["rank"].between(600, 639)
    scores = scores.assign(
        role=np.where(organizers, "organizer", None), role_probability=0.8, network_score=None
    )
    run_id = publish_scores(scores)
    first = [i.account_id for i in _page(store_engine, None, order="priority", limit=95)]
    assert set(scores.loc[organizers, "account_id"]) <= set(first)  # the premise
    picks = day_picks(engine=store_engine, run_id=run_id, plan=PLAN)
    assert len(picks) == 5 and not set(picks["account_id"]) & set(first)
    undecided = scores[["account_id", "score", "rank"]]
    drawn_here = draw_exploration(undecided, PLAN, run_id, first)
    assert picks["account_id"].tolist() == drawn_here["account_id"].tolist()
    assert picks["inclusion_probability"].to_numpy() == pytest.approx(
        drawn_here["inclusion_probability"].to_numpy()
    )
    # over many draws: the queue's first places never drawn, top-ranked accounts it does not
    # show first are candidates (the old rank cut left them out), organizers never
    many = pd.concat(draw_exploration(undecided, PLAN, f"run-{i}", first) for i in range(300))
    drawn = set(many["account_id"])
    assert not drawn & set(first)
    assert drawn & (set(_top(undecided)) - set(first))
    day = _page(store_engine, PLAN, order="priority")
    explored = [i.account_id for i in day if i.reason == "exploration"]
    assert explored == picks["account_id"].tolist()
    ordinary = [i.account_id for i in day if i.reason == "risk"]
    assert ordinary == first  # the picks took no ordinary place of the day's first 95


@pytest.mark.parametrize("share", [0.05, 0.2])
def test_the_share_of_the_daily_queue_is_respected(
    store_engine: Engine, publish_scores: RunWriter, share: float
) -> None:
    publish_scores(make_scores(1_000, seed=5))
    plan = replace(PLAN, share=share)
    day = _page(store_engine, plan)
    explored = [i for i in day if i.reason == "exploration"]
    assert len(day) == 100 and len(explored) == round(100 * share)
    gap = 100 // len(explored)
    assert [day.index(i) for i in explored] == [(j + 1) * gap - 1 for j in range(len(explored))]
    ordinary = [i.rank for i in day if i.reason == "risk"]
    assert ordinary == list(range(1, 100 - len(explored) + 1))  # the default order, unchanged
    halves = _page(store_engine, plan, limit=50) + _page(store_engine, plan, limit=50, offset=50)
    assert [i.account_id for i in halves] == [i.account_id for i in day]
    page = queue_page(
        engine=store_engine, plan=plan, **QUERY, decision_status="pending", limit=1, offset=0
    )  # type: ignore[arg-type]
    assert page.total == 1_000
    assert _page(store_engine, None) == _page(store_engine, replace(plan, share=0.0))
    assert {i.reason for i in _page(store_engine, None)} == {"risk"}


def test_decided_picks_leave_the_queue_and_filters_only_mark(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    run_id = publish_scores(make_scores(1_000, seed=6))
    picks = day_picks(engine=store_engine, run_id=run_id, plan=PLAN)
    first = picks["account_id"].iloc[0]
    record_decision(store_engine, account_id=first, decision="dismiss", note=None, reviewer="m")
    day = _page(store_engine, PLAN)
    explored = [i.account_id for i in day if i.reason == "exploration"]
    assert explored == picks["account_id"].iloc[1:].tolist()  # the same draw, one decided
    assert [day.index(i) for i in day if i.reason == "exploration"] == [19, 39, 59, 79]
    # the day's queue shown for the flagged bands (the console's default): the picks placed
    flagged = _page(store_engine, PLAN, bands=["critical", "high"], limit=1000)
    ordinary = [i.rank for i in flagged if i.reason == "risk"]
    assert ordinary == sorted(ordinary) and {i.band for i in flagged if i.reason == "risk"} <= {
        "high",
        "critical",
    }
    assert [i.account_id for i in flagged if i.reason == "exploration"] == explored
    # one band is a search: the order kept, the picks it lists only marked
    band = _page(store_engine, PLAN, bands=[picks_band(day, explored[0])], limit=1000)
    assert [i.rank for i in band] == sorted(i.rank for i in band)
    assert explored[0] in {i.account_id for i in band if i.reason == "exploration"}
    # a search (here by region) keeps the order and only marks the picks it lists
    region = next(str(i.region) for i in day if i.account_id == explored[0])
    searched = _page(store_engine, PLAN, region=region, limit=1000)
    assert [i.rank for i in searched] == sorted(i.rank for i in searched)
    assert {i.account_id for i in searched if i.reason == "exploration"} <= set(explored)
    assert explored[0] in {i.account_id for i in searched if i.reason == "exploration"}
    decided = _page(store_engine, PLAN, decision_status="decided")
    assert [(i.account_id, i.reason) for i in decided] == [(first, "exploration")]


def picks_band(items: list, account_id: str) -> str:  # type: ignore[type-arg]
    return next(str(i.band) for i in items if i.account_id == account_id)


def test_a_queue_shorter_than_the_capacity_has_no_exploration(
    store_engine: Engine, publish_scores: RunWriter
) -> None:
    publish_scores(make_scores(60, seed=1))
    day = _page(store_engine, PLAN)
    assert len(day) == 60 and {i.reason for i in day} == {"risk"}  # all decided today anyway
