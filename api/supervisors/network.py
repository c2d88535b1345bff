"""A min-cost flow network built from arrays, solved by OR-Tools.

The engine adds nodes and batches of arcs (NumPy arrays, so 700,000 arcs cost no Python
loop), then asks for the flow. OR-Tools' ``solve_max_flow_with_min_cost`` first sends as
much flow as the network allows, then finds the cheapest such flow: for the assignment,
as many projects placed as possible, and among those plans the cheapest.

The arrays stay readable (``tails``, ``heads``, ...), so a benchmark can hand the very
same network to another solver.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from ortools.graph.python import min_cost_flow

Ints = NDArray[np.int64]


class FlowNetwork:
    """Nodes with supplies (positive: flow enters there; negative: it leaves) and arcs
    with capacities and unit costs, all integers."""

    def __init__(self) -> None:
        self._supplies: list[int] = []
        self._batches: list[tuple[Ints, Ints, Ints, Ints]] = []
        self._arc_count = 0

    def add_nodes(self, supplies: Sequence[int]) -> int:
        """Add nodes; returns the id of the first (the others follow in order)."""
        first = len(self._supplies)
        self._supplies.extend(supplies)
        return first

    def add_arcs(
        self, tails: ArrayLike, heads: ArrayLike, capacities: ArrayLike, costs: ArrayLike
    ) -> slice:
        """Add arcs (scalars are broadcast); returns where their flows will be."""
        t, h, c, k = np.broadcast_arrays(
            *(np.asarray(a, dtype=np.int64) for a in (tails, heads, capacities, costs))
        )
        self._batches.append((t.ravel(), h.ravel(), c.ravel(), k.ravel()))
        start = self._arc_count
        self._arc_count += t.size
        return slice(start, self._arc_count)

    def balance(self, node: int) -> None:
        """Let ``node`` absorb all the flow the other nodes put in."""
        self._supplies[node] = 0
        self._supplies[node] = -sum(self._supplies)

    @property
    def node_count(self) -> int:
        return len(self._supplies)

    @property
    def supplies(self) -> Ints:
        return np.array(self._supplies, dtype=np.int64)

    def arrays(self) -> tuple[Ints, Ints, Ints, Ints]:
        """(tails, heads, capacities, costs) of every arc, in the order added."""
        if not self._batches:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, empty
        t, h, c, k = (np.concatenate(column) for column in zip(*self._batches, strict=True))
        return t, h, c, k

    def solve(self) -> Ints:
        """The flow on every arc: maximum in total, and of least cost among maxima."""
        solver = min_cost_flow.SimpleMinCostFlow()
        tails, heads, capacities, costs = self.arrays()
        if not len(tails):
            return tails
        solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
        solver.set_nodes_supplies(np.arange(self.node_count), self.supplies)
        status = solver.solve_max_flow_with_min_cost()
        if status != solver.OPTIMAL:
            raise RuntimeError(f"min-cost flow solver failed: {status}")
        return np.asarray(solver.flows(np.arange(len(tails))), dtype=np.int64)
