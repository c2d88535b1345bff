"""The assignment as a min-cost flow network, solved by OR-Tools.

    demand node ──(fit cost)──▶ supervisor ──(one arc per free place, convex cost)──▶ sink

A demand node is either a group of interchangeable projects (same service class and
district, so the same fit to everyone) with a supply of their number, or a single
project with arcs only to the supervisors it may have. The flow on a demand → supervisor
arc is the number of its projects that supervisor takes; a supervisor's free places are
unit arcs to the sink whose costs rise with each place (``fit.load_unit_cost``), so the
solver fills the cheap first places of many supervisors before the dear last ones.

OR-Tools' ``solve_max_flow_with_min_cost`` first places as many projects as the network
allows (a project placed with fit 0 beats one left without supervisor), then finds the
cheapest flow among those: the greatest total fit, then the evenest load (see
``fit.fit_scale``). The network is built in a canonical order (demand nodes as given,
supervisors by id), so the same input gives the same flow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from api.supervisors.fit import (
    DISTRICT_FIT,
    EXPERTISE_FIT,
    MAX_FIT,
    fit_scale,
    load_unit_cost,
    max_load_unit_cost,
)
from api.supervisors.problem import SupervisorCapacity

Ints = NDArray[np.int64]


@dataclass(frozen=True)
class Demand:
    """A source of flow: ``count`` projects of one class and district.

    ``excluded`` holds the indices (into the network's supervisors) of the people these
    projects may not have; a group of several projects never excludes anyone.
    """

    service_class: str
    district_id: int
    count: int
    excluded: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Network:
    """A min-cost flow network in plain arrays, so that any solver can take it.

    Nodes: the demands ``0 .. D-1``, the supervisors ``D .. D+S-1``, the sink ``D+S``.
    Arcs ``0 .. demand_arcs-1`` go from a demand to a supervisor; the rest are the
    supervisors' free places.
    """

    demand_count: int
    supervisor_count: int
    tails: Ints
    heads: Ints
    capacities: Ints
    costs: Ints
    supplies: Ints
    demand_arcs: int
    fit_scale: int

    @property
    def node_count(self) -> int:
        return self.demand_count + self.supervisor_count + 1


def build_network(demands: Sequence[Demand], supervisors: Sequence[SupervisorCapacity]) -> Network:
    """The network of ``demands`` over ``supervisors`` (all with a free place, by id)."""
    d, s = len(demands), len(supervisors)
    placeable = min(sum(x.count for x in demands), sum(x.spare for x in supervisors))
    scale = fit_scale(placeable, max_load_unit_cost(list(supervisors)))
    fits = _FitTable(supervisors)
    tails, heads, capacities, costs = [], [], [], []
    for index, demand in enumerate(demands):
        fit = fits.of(demand.service_class, demand.district_id)
        allowed = np.ones(s, dtype=bool)
        allowed[list(demand.excluded)] = False
        targets = np.flatnonzero(allowed)
        tails.append(np.full(len(targets), index, dtype=np.int64))
        heads.append(targets + d)
        capacities.append(np.full(len(targets), demand.count, dtype=np.int64))
        costs.append((MAX_FIT - fit[targets]) * scale)
    demand_arcs = sum(len(t) for t in tails)
    place_tails, place_costs = _places(supervisors)
    tails.append(place_tails + d)
    heads.append(np.full(len(place_tails), d + s, dtype=np.int64))
    capacities.append(np.ones(len(place_tails), dtype=np.int64))
    costs.append(place_costs)
    supplies = np.zeros(d + s + 1, dtype=np.int64)
    supplies[:d] = [x.count for x in demands]
    supplies[d + s] = -int(supplies[:d].sum())
    return Network(
        demand_count=d,
        supervisor_count=s,
        tails=np.concatenate(tails),
        heads=np.concatenate(heads),
        capacities=np.concatenate(capacities),
        costs=np.concatenate(costs),
        supplies=supplies,
        demand_arcs=demand_arcs,
        fit_scale=scale,
    )


class _FitTable:
    """Fit vectors over all supervisors, built once per class and per district."""

    def __init__(self, supervisors: Sequence[SupervisorCapacity]) -> None:
        self._supervisors = supervisors
        self._classes: dict[str, Ints] = {}
        self._districts: dict[int, Ints] = {}

    def of(self, service_class: str, district_id: int) -> Ints:
        if service_class not in self._classes:
            self._classes[service_class] = self._mask(
                lambda s: service_class in s.expertise, EXPERTISE_FIT
            )
        if district_id not in self._districts:
            self._districts[district_id] = self._mask(
                lambda s: district_id in s.district_ids, DISTRICT_FIT
            )
        return self._classes[service_class] + self._districts[district_id]

    def _mask(self, has: Callable[[SupervisorCapacity], bool], weight: int) -> Ints:
        return np.fromiter((weight * has(s) for s in self._supervisors), dtype=np.int64)


def _places(supervisors: Sequence[SupervisorCapacity]) -> tuple[Ints, Ints]:
    """One (supervisor index, cost) per free place, cheapest place of each first."""
    owners: list[int] = []
    costs: list[int] = []
    for index, s in enumerate(supervisors):
        for new_load in range(s.load + 1, s.max_load + 1):
            owners.append(index)
            costs.append(load_unit_cost(new_load, s.max_load))
    return np.array(owners, dtype=np.int64), np.array(costs, dtype=np.int64)


def solve_flow(network: Network) -> Ints:
    """The optimal flow on the demand → supervisor arcs (OR-Tools, exact)."""
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        network.tails, network.heads, network.capacities, network.costs
    )
    solver.set_nodes_supplies(np.arange(network.node_count), network.supplies)
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow solver failed: {status}")
    return np.asarray(solver.flows(np.arange(network.demand_arcs)), dtype=np.int64)
