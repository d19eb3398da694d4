"""Forest operations against networkx on random forests, and on extreme shapes."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.errors import DataContractError
from features.graph import NO_PARENT, Forest


@st.composite
def forests(draw: st.DrawFn) -> np.ndarray:
    """Random parent arrays (any labelling: parents may have larger positions than children)."""
    size = draw(st.integers(1, 60))
    parent = [NO_PARENT] + [
        draw(st.one_of(st.just(NO_PARENT), st.integers(0, i - 1))) for i in range(1, size)
    ]
    order = np.asarray(draw(st.permutations(range(size))))
    relabel = np.empty(size, dtype=np.int64)
    relabel[order] = np.arange(size)
    shuffled = np.full(size, NO_PARENT, dtype=np.int64)
    for old, up in enumerate(parent):
        shuffled[relabel[old]] = NO_PARENT if up == NO_PARENT else relabel[up]
    return shuffled


@settings(max_examples=60, deadline=None)
@given(parent=forests(), seed=st.integers(0, 1000))
def test_forest_matches_networkx(parent: np.ndarray, seed: int) -> None:
    forest = Forest.from_parent(parent)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(parent)))
    graph.add_edges_from((int(up), child) for child, up in enumerate(parent) if up != NO_PARENT)
    values = np.random.default_rng(seed).integers(0, 100, len(parent))
    sums, depth = forest.subtree_sum(values), forest.downline_depth()
    head = forest.branch_head()
    chain = forest.uplines(3)
    for node in range(len(parent)):
        above = nx.shortest_path_length(graph.reverse(copy=False), node)  # upline -> links up
        expected = [next((a for a, d in above.items() if d == h), NO_PARENT) for h in (1, 2, 3)]
        assert chain[:, node].tolist() == expected
        below = sorted(nx.descendants(graph, node))
        at_tier_one = [a for a in [*nx.ancestors(graph, node), node] if forest.tier[a] == 1]
        assert head[node] == (at_tier_one[0] if at_tier_one else node)
        assert forest.subtree_size[node] == len(below) + 1
        assert forest.tier[node] == len(nx.ancestors(graph, node))
        assert sums[node] == values[node] + values[below].sum()
        assert depth[node] == (forest.tier[below].max() - forest.tier[node] if below else 0)
        assert forest.root[node] == node or forest.parent[forest.root[node]] == NO_PARENT
    assert sorted(forest.preorder) == list(range(len(parent)))


def test_in_downline_and_network_sum() -> None:
    forest = Forest.from_parent(np.array([NO_PARENT, 0, 1, NO_PARENT, 3]))
    upline, account = np.array([0, 0, 1, 2, 0, 3]), np.array([1, 2, 2, 1, 4, 4])
    assert forest.in_downline(upline, account).tolist() == [True, True, True, False, False, True]
    assert forest.network_sum(np.array([1.0, 2.0, 3.0, 4.0, 5.0])).tolist() == [6, 6, 6, 9, 9]


def test_branch_head_is_the_tier_one_upline() -> None:
    # 0 -> (1 -> 3 -> 4, 2 -> 5); 6 alone; 7 -> 8
    forest = Forest.from_parent(np.array([NO_PARENT, 0, 0, 1, 3, 2, NO_PARENT, NO_PARENT, 7]))
    assert forest.branch_head().tolist() == [0, 1, 2, 1, 1, 2, 6, 7, 8]


def test_uplines_stop_at_the_top() -> None:
    # 0 -> 1 -> 2 -> 3 -> 4; 5 alone
    forest = Forest.from_parent(np.array([NO_PARENT, 0, 1, 2, 3, NO_PARENT]))
    assert forest.uplines(3).tolist() == [
        [-1, 0, 1, 2, 3, -1],
        [-1, -1, 0, 1, 2, -1],
        [-1, -1, -1, 0, 1, -1],
    ]
    assert forest.uplines(0).shape == (0, 6)


def test_chain_one_hundred_thousand_deep() -> None:
    size = 100_000
    forest = Forest.from_parent(np.arange(-1, size - 1))
    assert forest.tier.tolist() == list(range(size))
    assert forest.subtree_size[0] == size and forest.subtree_size[-1] == 1
    assert (forest.downline_depth() == np.arange(size)[::-1]).all()
    assert (forest.subtree_sum(np.ones(size, dtype=np.int64)) == forest.subtree_size).all()
    assert (forest.root == 0).all()
    assert forest.branch_head()[0] == 0 and (forest.branch_head()[1:] == 1).all()


def test_root_with_half_a_million_recruits() -> None:
    size = 500_001
    parent = np.zeros(size, dtype=np.int64)
    parent[0] = NO_PARENT
    forest = Forest.from_parent(parent)
    assert forest.subtree_size[0] == size and (forest.subtree_size[1:] == 1).all()
    assert forest.downline_depth()[0] == 1 and (forest.tier[1:] == 1).all()
    assert forest.downline_sum(np.full(size, 2, dtype=np.int64))[0] == 2 * (size - 1)


def test_cycle_is_a_data_error() -> None:
    with pytest.raises(DataContractError, match="cycle"):
        Forest.from_parent(np.array([NO_PARENT, 2, 1]))
