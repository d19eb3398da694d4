"""Networks and their members: sizes, trees, join and leave days, fees and levels.

Everything is a numpy column over all members of all networks at once; a member's place in
its network is its join order (``local``), so a sponsor always joined before its recruit.
Days are floats from the platform's first day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from training.thirdsim.config import ThirdSimConfig
from training.thirdsim.families import FAMILIES, LOOKALIKES, SCHEMES
from training.thirdsim.recipe import LEVEL_NAMES, Recipe

REGIONS = tuple(
    f"CN-{code}"
    for code in (
        "BJ",
        "SH",
        "GD",
        "ZJ",
        "JS",
        "SD",
        "HN",
        "SC",
        "FJ",
        "HB",
        "HE",
        "AH",
        "GX",
        "YN",
        "LN",
        "SN",
    )
)
NETWORK_COLUMNS = ("family", "size", "start", "duration", "price", "attach", "width")


@dataclass(frozen=True)
class Members:
    """One row per account, as parallel arrays (index = global member number)."""

    network: np.ndarray  # network number
    local: np.ndarray  # join order inside its network (0 = root)
    sponsor: np.ndarray  # global member number of the sponsor, -1 for a root
    joined: np.ndarray  # day
    left: np.ndarray  # day, NaN while still active
    tier: np.ndarray
    recruits: np.ndarray  # direct recruits

    def __len__(self) -> int:
        return len(self.network)


def _sizes(recipe: Recipe, budget: int, cap: int, rng: np.random.Generator) -> np.ndarray:
    """Heavy-tailed network sizes summing exactly to ``budget`` (the last one trimmed)."""
    if budget <= 0:
        return np.zeros(0, dtype=np.int64)
    if recipe.size_min == 1:
        draws = 1 + (rng.random(budget) < 0.12) * rng.geometric(0.5, budget)
    else:
        tail = (1.0 - rng.random(budget // recipe.size_min + 2)) ** (-1.0 / recipe.size_tail)
        draws = np.minimum(tail * recipe.size_min, cap)
        draws = np.maximum(draws, recipe.size_min).astype(np.int64)
    total = np.cumsum(draws)
    count = int(np.searchsorted(total, budget)) + 1
    sizes = draws[:count].copy()
    sizes[-1] -= int(total[count - 1]) - budget
    if len(sizes) > 1 and sizes[-1] < recipe.size_min:  # too small to be one of its kind
        sizes[-2] += sizes[-1]
        sizes = sizes[:-1]
    return sizes[sizes > 0]


def _timing(recipe: Recipe, count: int, span: float, rng: np.random.Generator) -> np.ndarray:
    """Start day and duration of growth per network, ending a day before the snapshot."""
    timing = _growth_window(recipe, count, span, rng)
    timing[:, 1] = np.clip(timing[:, 1], 1.0, span - 1.0 - timing[:, 0])
    return timing


def _growth_window(recipe: Recipe, count: int, span: float, rng: np.random.Generator) -> np.ndarray:
    if recipe.growth == "steady":  # platform growth: later networks more likely
        start = span * 0.9 * rng.random(count) ** 0.8
        return np.column_stack([start, span - start])
    if recipe.growth == "young":  # caught weeks after it started, still growing
        start = span - rng.uniform(20, 90, count)
        return np.column_stack([start, span - start])
    if recipe.growth == "collapse":
        start = rng.uniform(0, 0.5 * span, count)
        return np.column_stack([start, rng.uniform(60, 150, count)])
    start = rng.uniform(0, span - 45, count)
    duration = np.minimum(rng.lognormal(np.log(120), 0.5, count), span - start)
    return np.column_stack([start, duration])


def draw_networks(config: ThirdSimConfig, rng: np.random.Generator) -> pd.DataFrame:
    """One row per network: family, size, growth window, list price and tree shape."""
    schemes = round(config.scheme_share * config.accounts)
    budgets = {r.family: r.weight * schemes for r in SCHEMES}
    budgets |= {r.family: r.weight * (config.accounts - schemes) for r in LOOKALIKES}
    exact = _integer_budgets(budgets, {True: schemes, False: config.accounts - schemes})
    cap = max(50, int(0.05 * config.accounts))
    frames = []
    for family, budget in exact.items():
        recipe = FAMILIES[family]
        sizes = _sizes(recipe, budget, cap, rng)
        timing = _timing(recipe, len(sizes), float(config.span_days), rng)
        price = np.round(config.price_scale * rng.lognormal(np.log(150), 0.7, len(sizes)), 0)
        frames.append(
            pd.DataFrame(
                {
                    "family": family,
                    "size": sizes,
                    "start": timing[:, 0],
                    "duration": timing[:, 1],
                    "price": np.maximum(price - 1 + 0.9, 0.9),  # list prices like 199.9
                    "attach": rng.uniform(*recipe.attach, len(sizes)),
                    "width": rng.choice(recipe.fill_width or (0,), len(sizes)),
                    "region": rng.choice(REGIONS, len(sizes)),
                }
            )
        )
    nets = _habits(pd.concat(frames, ignore_index=True), config, rng)
    return nets.sample(frac=1.0, random_state=rng.integers(2**31)).reset_index(drop=True)


def _habits(nets: pd.DataFrame, config: ThirdSimConfig, rng: np.random.Generator) -> pd.DataFrame:
    """Per network: how it books fees, where stock comes from, how pay is reported."""
    recipes = [FAMILIES[f] for f in nets["family"]]
    count = len(nets)

    def chance(values: list[float]) -> np.ndarray:
        return rng.random(count) < np.array(values)

    return nets.assign(
        package=chance([r.fee_as_package for r in recipes]),
        from_root=chance([r.supplier_root for r in recipes]),
        weekly=chance([r.weekly_share for r in recipes]),
        reports=rng.random(count) < config.commission_share,
        fake_pool=chance([r.fake_pool for r in recipes]),
        head_kind=[
            r.head_kinds[i % len(r.head_kinds)]
            for r, i in zip(recipes, rng.integers(0, 6, count), strict=True)
        ],
        team_kind=[
            r.team_kinds[i % len(r.team_kinds)]
            for r, i in zip(recipes, rng.integers(0, 6, count), strict=True)
        ],
    )


def _integer_budgets(budgets: dict[str, float], sides: dict[bool, int]) -> dict[str, int]:
    """Round each family's budget so that each side sums exactly to its total."""
    exact = {f: int(b) for f, b in budgets.items()}
    for scheme, total in sides.items():
        names = [f for f in exact if FAMILIES[f].scheme is scheme]
        short = total - sum(exact[f] for f in names)
        if names and short:
            exact[max(names, key=lambda f: FAMILIES[f].weight)] += short
    return exact


_SHAPE = {"steady": (1.0, 1.0), "burst": (2.0, 2.5), "young": (2.5, 1.0), "collapse": (2.0, 1.5)}


def build_members(nets: pd.DataFrame, span: float, rng: np.random.Generator) -> Members:
    """Every member of every network: join order, sponsor, join day, tier."""
    sizes = nets["size"].to_numpy()
    network = np.repeat(np.arange(len(nets)), sizes)
    offset = np.repeat(np.cumsum(sizes) - sizes, sizes)
    shapes = np.array([_SHAPE[FAMILIES[f].growth] for f in nets["family"]])[network]
    position = rng.beta(shapes[:, 0], shapes[:, 1])
    order = np.lexsort((position, network))
    position = position[order]
    local = np.arange(len(network)) - offset
    position[local == 0] = 0.0  # the root starts the network
    joined = nets["start"].to_numpy()[network] + position * nets["duration"].to_numpy()[network]
    joined += local * 2e-5  # a recruit joins strictly after its sponsor (~2 s)
    width = nets["width"].to_numpy()[network]
    attach = nets["attach"].to_numpy()[network]
    drawn = np.floor(local * rng.random(len(local)) ** attach)
    filled = (local - 1) // np.maximum(width, 1)
    sponsor_local = np.where(width > 0, filled, drawn).astype(np.int64)
    sponsor = np.where(local == 0, -1, offset + np.minimum(sponsor_local, local - 1))
    tier = _tiers(sponsor)
    recruits = np.bincount(sponsor[sponsor >= 0], minlength=len(sponsor))
    left = _leaving(nets, network, local, joined, span, rng)
    return Members(network, local, sponsor, joined, left, tier, recruits)


def _tiers(sponsor: np.ndarray) -> np.ndarray:
    """Sponsor links to the root, by walking every chain one step at a time."""
    tier = np.zeros(len(sponsor), dtype=np.int64)
    current = sponsor.copy()
    while (moving := current >= 0).any():
        tier[moving] += 1
        current[moving] = sponsor[current[moving]]
    return tier


def _leaving(
    nets: pd.DataFrame,
    network: np.ndarray,
    local: np.ndarray,
    joined: np.ndarray,
    span: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Leave day (NaN = still active at the end); collapsing schemes empty after the peak."""
    life = np.array([FAMILIES[f].life_days for f in nets["family"]])[network]
    leave = joined + rng.exponential(life * rng.lognormal(0, 0.5, len(life)))
    collapsing = (nets["family"] == "collapsing_scheme").to_numpy()[network]
    peak = (nets["start"] + nets["duration"]).to_numpy()[network]
    crash = np.maximum(joined, peak) + rng.exponential(25, len(joined))
    leave = np.where(collapsing & (rng.random(len(joined)) < 0.85), crash, leave)
    lawful_root = (local == 0) & ~collapsing
    leave[lawful_root] = np.inf
    return np.where(leave < span, leave, np.nan)


def levels(nets: pd.DataFrame, members: Members) -> np.ndarray:
    """The tier name each network uses (empty when it has none), by tier."""
    names = np.full(len(members), "", dtype=object)
    family = nets["family"].to_numpy()[members.network]
    for name, recipe in FAMILIES.items():
        ladder = LEVEL_NAMES[recipe.levels]
        chosen = family == name
        if ladder and chosen.any():
            rungs = np.minimum(members.tier[chosen], len(ladder) - 1)
            names[chosen] = np.asarray(ladder, dtype=object)[rungs]
    return names


def entry_fees(nets: pd.DataFrame, members: Members, rng: np.random.Generator) -> np.ndarray:
    """The fee each network charges to join (list price multiple, one per network)."""
    low = np.array([FAMILIES[f].entry_fee[0] for f in nets["family"]])
    high = np.array([FAMILIES[f].entry_fee[1] for f in nets["family"]])
    fee = np.round(nets["price"].to_numpy() * rng.uniform(low, high), -1)
    per_member = fee[members.network]
    return np.where(members.local == 0, 0.0, per_member)
