"""Cycles in a graph of names: which template items' conditions depend on each other.

`strongly_connected` finds the groups of nodes that all reach each other (Tarjan's
algorithm, without recursion, so a long chain of conditions cannot exhaust the stack);
`shortest_cycle` gives a readable path round one such group.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

Graph = Mapping[str, Collection[str]]  # node -> the nodes it points to


def strongly_connected(edges: Graph) -> list[set[str]]:
    """Every group of nodes that reach each other; each node is in exactly one group.

    Targets that are not themselves keys of `edges` are ignored.
    """
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> tuple[str, Iterator[str]]:
        order[node] = low[node] = len(order)
        stack.append(node)
        on_stack.add(node)
        return node, iter([t for t in edges[node] if t in edges])

    for root in edges:
        if root in order:
            continue
        work = [visit(root)]
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in order:
                    work.append(visit(target))
                    break
                if target in on_stack:
                    low[node] = min(low[node], order[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == order[node]:
                    group: set[str] = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
    return groups


def is_cycle(group: set[str], edges: Graph) -> bool:
    """True when `group` (from `strongly_connected`) goes round: two or more, or a self-loop."""
    if len(group) > 1:
        return True
    [node] = group
    return node in edges[node]


def shortest_cycle(start: str, group: set[str], edges: Graph) -> list[str]:
    """A shortest way from `start` round its group back to itself: [start, ..., start]."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            if start in edges[node]:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            for target in edges[node]:
                if target in group and target != start and target not in previous:
                    previous[target] = node
                    following.append(target)
        frontier = following
    raise ValueError(f"{start!r} is not on a cycle")
