"""The simulation: one platform, day by day, every agent of every network at once.

Each day: networks due are born (their root joins); branches due turn (``drift``); each
network recruits by its Hawkes intensity, the new members attaching to sponsors by
preferential attachment (``recruitment``); every active agent retails, stages sales, uses
stock, meets its quota and reorders (``trade``); the plans pay on the day's joins, purchases
and sales (``pay``); agents quit by a hazard that grows with their losses and, in collapsing
schemes, with the recruiting slump (``churn``). Loops run over days (and upline levels), never
over accounts or orders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.random import Generator
from numpy.typing import NDArray

from training.altsim.agents import Agents
from training.altsim.churn import quit_today
from training.altsim.config import AltSimConfig
from training.altsim.drift import turn_branches
from training.altsim.ledger import Ledger
from training.altsim.networks import Networks, draw_networks
from training.altsim.pay import pay_today, settle_binary
from training.altsim.plans import PlanTable
from training.altsim.recruitment import birth_roots, recruit
from training.altsim.trade import trade_today

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


@dataclass
class Triggers:
    """The day's events a plan may pay on: which agent, how much money, what kind."""

    agent: list[Ints] = field(default_factory=list)
    amount: list[Floats] = field(default_factory=list)
    kind: list[Ints] = field(default_factory=list)
    join_volume: list[Floats] = field(default_factory=list)  # part of amount from joining

    def add(self, agent: Ints, amount: Floats, kind: int, from_join: bool = False) -> None:
        self.agent.append(agent)
        self.amount.append(amount)
        self.kind.append(np.full(len(agent), kind))
        self.join_volume.append(amount if from_join else np.zeros(len(agent)))

    def take(self) -> tuple[Ints, Floats, Ints, Floats]:
        """Everything added since the last call, as arrays; the list is emptied."""
        if not self.agent:
            empty = np.zeros(0)
            return empty.astype(np.int64), empty, empty.astype(np.int64), empty
        out = tuple(np.concatenate(x) for x in (self.agent, self.amount, self.kind))
        volume = np.concatenate(self.join_volume)
        for part in (self.agent, self.amount, self.kind, self.join_volume):
            part.clear()
        return out[0].astype(np.int64), out[1].astype(np.float64), out[2].astype(np.int64), volume


@dataclass
class World:
    config: AltSimConfig
    rng: Generator
    plans: PlanTable
    networks: Networks
    agents: Agents
    ledger: Ledger
    triggers: Triggers
    consumers: int = 0  # consumer numbers handed out so far (staged ids come after)

    def p(self, name: str, rows: Ints) -> Floats:
        """Plan column ``name`` for the plan of each agent in ``rows``."""
        return self.plans.columns[name][self.agents.plan[rows]]

    def price(self, rows: Ints) -> Floats:
        return self.networks.price[self.agents.network[rows]]

    def is_root(self, rows: Ints) -> NDArray[np.bool_]:
        return self.agents.sponsor[rows] < 0


def new_world(config: AltSimConfig) -> World:
    rng = np.random.default_rng(config.seed)
    plans = PlanTable()
    networks = draw_networks(config, rng, plans)
    capacity = int(networks.capacity.sum() * 1.2) + 100
    return World(config, rng, plans, networks, Agents.empty(capacity), Ledger(), Triggers())


def run(config: AltSimConfig) -> World:
    """Simulate ``config.span_days`` days; the world holds the agents and the event log."""
    world = new_world(config)
    for day in range(config.span_days):
        birth_roots(world, day)
        turn_branches(world, day)
        recruit(world, day)
        trade_today(world, day)
        pay_today(world, day)
        if day % 7 == 6:
            settle_binary(world, day)
        quit_today(world, day)
    return world
