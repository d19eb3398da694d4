"""Vectorized operations on the sponsorship forest (accounts as positions 0..n-1).

Everything is O(n log depth) numpy over whole arrays, with no per-account Python loop, so it stays
fast on a chain 100,000 deep and on a root with 500,000 direct recruits:
- tier and root by pointer jumping (each pass doubles the distance every pointer covers);
- a preorder (downline = contiguous block after the account) from an Euler tour ranked by
  pointer jumping, because scipy's depth-first order is quadratic on very wide nodes;
- subtree sums as differences of prefix sums over the preorder (exact on int64 values);
- subtree maxima with a sparse table over the preorder;
- the top-level branch of each account as a running maximum over the preorder;
- the sponsors a few links up (the upline chain) by following the parent array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.errors import DataContractError

NO_PARENT = -1


@dataclass(frozen=True)
class Forest:
    """A sponsorship forest: ``parent[i]`` is the sponsor's position, -1 for a root."""

    parent: np.ndarray
    tier: np.ndarray  # sponsor links from the root (root = 0)
    root: np.ndarray  # position of the root of each account's network
    preorder: np.ndarray  # position of each account in a depth-first preorder
    subtree_size: np.ndarray  # the account plus its whole downline

    @classmethod
    def from_parent(cls, parent: np.ndarray) -> Forest:
        """Build the forest; raises DataContractError if the sponsor links contain a cycle."""
        parent = np.asarray(parent, dtype=np.int64)
        tier, root = _tier_and_root(parent)
        preorder, size = _preorder_and_size(parent, tier)
        return cls(parent=parent, tier=tier, root=root, preorder=preorder, subtree_size=size)

    @property
    def size(self) -> int:
        """Number of accounts."""
        return len(self.parent)

    def subtree_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over each account and its whole downline (int64 in, int64 out)."""
        ordered = np.zeros(self.size + 1, dtype=np.int64)
        ordered[self.preorder + 1] = values
        prefix = np.cumsum(ordered)
        return prefix[self.preorder + self.subtree_size] - prefix[self.preorder]

    def downline_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over each account's downline, excluding the account itself."""
        return self.subtree_sum(values) - np.asarray(values, dtype=np.int64)

    def subtree_max(self, values: np.ndarray) -> np.ndarray:
        """Maximum of ``values`` over each account and its downline (sparse-table range max)."""
        ordered = np.empty(self.size, dtype=np.asarray(values).dtype)
        ordered[self.preorder] = values
        return _range_max(ordered, self.preorder, self.preorder + self.subtree_size)

    def downline_depth(self) -> np.ndarray:
        """Tiers of downline below each account (0 for an account without recruits)."""
        return self.subtree_max(self.tier.astype(np.int32)).astype(np.int64) - self.tier

    def in_downline(self, upline: np.ndarray, account: np.ndarray) -> np.ndarray:
        """Whether ``account[k]`` is strictly below ``upline[k]`` in the same tree."""
        start = self.preorder[upline]
        position = self.preorder[account]
        return (position > start) & (position < start + self.subtree_size[upline])

    def branch_head(self) -> np.ndarray:
        """The head of each account's top-level branch: its tier-1 upline (itself at tier 1);
        a root is its own head (its branch is the whole network).

        In preorder a tier-1 account is followed by its whole downline, so the head of any
        deeper account is the last tier-1 account before it in preorder.
        """
        by_position = np.empty(self.size, dtype=np.int64)
        by_position[self.preorder] = np.arange(self.size)
        is_head = self.tier[by_position] == 1
        last_head = np.maximum.accumulate(np.where(is_head, np.arange(self.size), -1))
        head = by_position[np.maximum(last_head[self.preorder], 0)]
        return np.where(self.tier == 0, np.arange(self.size), head)

    def uplines(self, hops: int) -> np.ndarray:
        """The sponsors 1..``hops`` links above each account: row ``h - 1`` holds the upline
        ``h`` links up, NO_PARENT where the chain reaches the top sooner. Shape (hops, n)."""
        chain = np.full((hops, self.size), NO_PARENT, dtype=np.int64)
        current = self.parent
        for hop in range(hops):
            chain[hop] = current
            current = np.where(current >= 0, self.parent[np.maximum(current, 0)], NO_PARENT)
        return chain

    def network_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over each account's whole network, broadcast back to the account."""
        totals = np.bincount(self.root, weights=values, minlength=self.size)
        return totals[self.root]


def _tier_and_root(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance to the root and the root itself, by pointer jumping (log2(depth) passes)."""
    n = len(parent)
    is_root = parent == NO_PARENT
    ancestor = np.where(is_root, np.arange(n), parent)
    distance = (~is_root).astype(np.int64)
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2))))) + 1):
        jumped = ancestor[ancestor]
        if np.array_equal(jumped, ancestor):
            break
        distance = distance + distance[ancestor]
        ancestor = jumped
    # A cycle never reaches a root; pointers inside it may still settle on a non-root.
    lost = np.flatnonzero((ancestor[ancestor] != ancestor) | (parent[ancestor] != NO_PARENT))
    if len(lost) == 0:
        return distance, ancestor
    stuck = int(lost[0])
    raise DataContractError(
        f"accounts: sponsor_id links form a cycle "
        f"(account at position {stuck} never reaches a root)"
    )


def _preorder_and_size(parent: np.ndarray, tier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Preorder position and subtree size from an Euler tour ranked by pointer jumping.

    The tour has a "down" event ``v`` and an "up" event ``n + v`` per account; event ``2n`` ends
    it. Before down(v) come ``pre(v)`` down events and ``pre(v) - tier(v)`` up events.
    """
    n = len(parent)
    following = _euler_tour_successors(parent)
    steps_to_end = _list_rank(following, end=2 * n)
    tour_position = 2 * n - steps_to_end[: 2 * n]
    down, up = tour_position[:n], tour_position[n:]
    preorder = (down + tier) // 2
    size = (up - down + 1) // 2
    return preorder, size


def _euler_tour_successors(parent: np.ndarray) -> np.ndarray:
    """The event after each tour event (children visited in position order, roots likewise)."""
    n = len(parent)
    holder = np.where(parent == NO_PARENT, n, parent)  # a virtual super-root n holds the roots
    by_holder = np.argsort(holder, kind="stable")
    sorted_holder = holder[by_holder]
    same_as_next = sorted_holder[1:] == sorted_holder[:-1]
    next_sibling = np.full(n, NO_PARENT, dtype=np.int64)
    next_sibling[by_holder[:-1][same_as_next]] = by_holder[1:][same_as_next]
    group_start = np.concatenate(([True], ~same_as_next)) if n else np.zeros(0, dtype=bool)
    first_child = np.full(n + 1, NO_PARENT, dtype=np.int64)
    first_child[sorted_holder[group_start]] = by_holder[group_start]

    accounts = np.arange(n, dtype=np.int64)
    following = np.empty(2 * n + 1, dtype=np.int64)
    following[:n] = np.where(first_child[:n] >= 0, first_child[:n], n + accounts)
    climb = np.where(parent == NO_PARENT, 2 * n, n + parent)
    following[n : 2 * n] = np.where(next_sibling >= 0, next_sibling, climb)
    following[2 * n] = 2 * n
    return following


def _list_rank(following: np.ndarray, end: int) -> np.ndarray:
    """Number of steps from each element of a linked list to ``end`` (pointer jumping)."""
    steps = np.ones(len(following), dtype=np.int64)
    steps[end] = 0
    pointer = following.copy()
    while True:
        jumped = pointer[pointer]
        if np.array_equal(jumped, pointer):
            return steps
        steps = steps + steps[pointer]
        pointer = jumped


def _range_max(values: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """max(values[start[k]:stop[k]]) for non-empty ranges, via a sparse table of maxima."""
    n = len(values)
    if n == 0:
        return values.copy()
    levels = [values]
    width = 1
    while 2 * width <= n:
        previous = levels[-1]
        levels.append(np.maximum(previous[: n - 2 * width + 1], previous[width : n - width + 1]))
        width *= 2
    length = stop - start
    level = np.floor(np.log2(length)).astype(np.int64)
    result = np.empty(len(start), dtype=values.dtype)
    for k in np.unique(level):
        chosen = level == k
        table = levels[k]
        left = start[chosen]
        right = stop[chosen] - (1 << int(k))
        result[chosen] = np.maximum(table[left], table[right])
    return result
