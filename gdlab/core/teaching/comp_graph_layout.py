"""Where the nodes of a computation graph (:mod:`gdlab.core.teaching.comp_graph`) are drawn: in
columns from the inputs on the left to the loss on the right, each operation one column right of
its latest input, each leaf just left of the operation it feeds; within a column, each node as near
as it can be to the mean height of the nodes it feeds (one sweep from the root back), at least one
row from its neighbours. Positions are in column units (x) and row units (y,
downward negative), for any painter to scale.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = ["place"]


class Placed(Protocol):
    """What placing needs of a node (:class:`gdlab.core.teaching.comp_graph.Node` is one)."""

    inputs: list[int]
    column: int
    y: float

    @property
    def leaf(self) -> bool: ...


def place(nodes: Sequence[Placed]) -> None:
    """Set every node's ``column`` and ``y`` (``nodes`` in forward order, as a graph holds them)."""
    consumers: list[list[int]] = [[] for _ in nodes]
    for k, node in enumerate(nodes):
        for src in node.inputs:
            consumers[src].append(k)
    for node in nodes:                               # made in forward order: inputs come first
        node.column = 1 + max((nodes[s].column for s in node.inputs), default=-1)
    for k in range(len(nodes) - 1, -1, -1):          # leaves: just left of their first consumer
        if nodes[k].leaf and consumers[k]:
            nodes[k].column = min(nodes[c].column for c in consumers[k]) - 1
    lowest = min((n.column for n in nodes), default=0)
    for node in nodes:
        node.column -= lowest
    width = max((n.column for n in nodes), default=0)
    y: dict[int, float] = {}
    for column in range(width, -1, -1):              # from the root back: each node beside what it feeds
        members = [k for k, n in enumerate(nodes) if n.column == column]
        want = {k: sum(y[c] for c in consumers[k]) / len(consumers[k]) if consumers[k] else 0.0 for k in members}
        members.sort(key=lambda k: (want[k], k))
        placed = _spread([want[k] for k in members])
        for k, v in zip(members, placed):
            y[k] = v
            nodes[k].y = -v                              # the first made on top


def _spread(wanted: list[float], gap: float = 1.0) -> list[float]:
    """Positions as near ``wanted`` (sorted) as they can be with at least ``gap`` between
    neighbours: pushed apart downward, then the whole column shifted back onto its wanted mean."""
    out: list[float] = []
    for v in wanted:
        out.append(v if not out else max(v, out[-1] + gap))
    if out:
        shift = sum(wanted) / len(wanted) - sum(out) / len(out)
        out = [v + shift for v in out]
    return out
