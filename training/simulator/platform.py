"""simulate_platform: a labelled platform snapshot in memory, the same for the same config."""

from __future__ import annotations

from features.snapshot import Snapshot
from training.simulator.config import SimulationConfig
from training.simulator.pay import all_commissions
from training.simulator.population import build_population
from training.simulator.tables import (
    account_ids,
    accounts_table,
    commissions_table,
    labels_table,
    orders_table,
)
from training.simulator.trade import merge_sorted, trade


def simulate_platform(config: SimulationConfig) -> Snapshot:
    """Simulate every family's networks, their trade and pay; return the contract tables."""
    population = build_population(config)
    first, consumer, restock = trade(population, config.orders_per_account, config.seed)
    commissions = all_commissions(population, first, consumer, restock, config.seed)
    orders = merge_sorted([first, consumer, restock])
    ids = account_ids(len(population), config.seed)
    return Snapshot(
        accounts=accounts_table(population, ids, config.start, config.seed),
        orders=orders_table(orders, ids, config.start),
        commissions=commissions_table(commissions, ids, config.start),
        labels=labels_table(population, ids),
    )
