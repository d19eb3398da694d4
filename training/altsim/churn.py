"""Who quits today: a base hazard, raised by the agent's losses (in units of its network's
price) and, in plans that collapse, by how far the network's recruiting has slumped from its
peak. Quitters keep whatever stock they hold, unless the plan buys it back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    # world.py's day loop imports this module; World is only an annotation here
    from training.altsim.world import World

SLUMP = 0.3  # recruiting below this share of its peak counts as a slump
MAX_HAZARD = 0.2


def quit_today(world: World, day: int) -> None:
    a, nw, rng = world.agents, world.networks, world.rng
    alive = a.alive()
    members = alive[~world.is_root(alive)]
    loss = np.clip(-a.cash[members] / world.price(members), 0.0, 30.0)
    hazard = world.p("quit_base", members) * (1.0 + world.p("loss_sens", members) * loss / 3.0)
    network = a.network[members]
    room = np.clip(1.0 - nw.joins / nw.capacity, 0.0, None)
    now = (nw.base + nw.excite * nw.excitation) * room
    slump = np.clip(1.0 - now / np.maximum(nw.peak, 1e-9) / SLUMP, 0.0, 1.0)[network]
    old_enough = day - nw.birth[network] > 30
    hazard *= 1.0 + 10.0 * slump * old_enough * world.p("collapse", members)
    leaving = members[rng.random(len(members)) < np.minimum(hazard, MAX_HAZARD)]
    if not len(leaving):
        return
    a.active[leaving] = False
    # at the end of the day: after the day's orders, which may fall anywhere in it
    end_of_day = day + 1.0 - rng.uniform(0.0, 0.001, len(leaving))
    a.left[leaving] = np.maximum(end_of_day, a.joined[leaving] + 0.0011)
    _buy_back(world, leaving)


def _buy_back(world: World, leaving: np.ndarray) -> None:
    """Plans with a buyback refund the quitter's latest stock order if it still holds stock."""
    a = world.agents
    back = leaving[
        (world.p("buyback", leaving) > 0) & (a.stock[leaving] > 0) & (a.last_purchase[leaving] >= 0)
    ]
    world.ledger.refund(a.last_purchase[back])
    a.stock[back] = np.maximum(0.0, a.stock[back] - a.last_batch[back])
