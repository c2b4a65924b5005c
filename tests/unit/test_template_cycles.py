"""Cycles among template conditions: the graph helpers, against a slow obvious version."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.template_cycles import is_cycle, shortest_cycle, strongly_connected

NODES = [f"n{i}" for i in range(7)]


def _reach(edges: dict[str, list[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in edges[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


graphs = st.dictionaries(
    st.sampled_from(NODES), st.lists(st.sampled_from(NODES), max_size=4), min_size=1
).map(lambda g: {node: [t for t in targets if t in g] for node, targets in g.items()})


@settings(max_examples=300, deadline=None)
@given(graphs)
def test_groups_are_the_nodes_that_reach_each_other(edges: dict[str, list[str]]) -> None:
    groups = strongly_connected(edges)
    assert sorted(n for g in groups for n in g) == sorted(edges)
    reach = {node: _reach(edges, node) for node in edges}
    for group in groups:
        for a in group:
            for b in edges:
                together = b in group
                assert together == (a == b or (b in reach[a] and a in reach[b]))
        if is_cycle(group, edges):
            start = min(group)
            path = shortest_cycle(start, group, edges)
            assert path[0] == path[-1] == start and set(path) <= group
            assert all(b in edges[a] for a, b in itertools.pairwise(path))
        else:
            [node] = group
            assert node not in reach[node]


def test_a_long_chain_needs_no_recursion() -> None:
    count = 20_000
    edges = {f"n{i}": [f"n{i + 1}"] for i in range(count)}
    edges[f"n{count}"] = ["n0"]
    [group] = [g for g in strongly_connected(edges) if is_cycle(g, edges)]
    assert len(group) == count + 1
    assert len(shortest_cycle("n0", group, edges)) == count + 2


def test_self_loop_and_targets_outside_the_graph() -> None:
    edges = {"a": ["a", "missing"], "b": ["a"]}
    groups = strongly_connected(edges)
    assert sorted(map(sorted, groups)) == [["a"], ["b"]]
    assert is_cycle({"a"}, edges) and not is_cycle({"b"}, edges)
    assert shortest_cycle("a", {"a"}, edges) == ["a", "a"]
