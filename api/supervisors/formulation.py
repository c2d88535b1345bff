"""The assignment as a min-cost flow network: the supervisors' side, and two ways to
put a group of projects (same service class and district) on the demand side.

    projects ──(fit cost)──▶ supervisor ──(one arc per free place, convex cost)──▶ sink

A unit of flow is a project placed with a supervisor. The arc that reaches a supervisor
costs ``(MAX_FIT - fit) · scale``, the place it fills costs ``fit.load_unit_cost``; the
solver places as many projects as it can and then minimises the sum (``fit.fit_scale``).

Projects of one group fit everyone alike, so they differ only by their conflicts:

- ``RelaxedGroup`` is one node with supply = the group's size and an arc to everyone. It
  ignores conflicts; afterwards the group's places are shared out respecting them, which
  usually works (the engine says why that is then optimal) and otherwise is reported.
- ``ExactGroup`` keeps every conflict in the network: free projects share one node,
  each conflicted project has its own, and hub nodes spare it an arc per person. The
  people anyone in the group must avoid ("touched") are split into blocks; a "safe" hub
  reaches everyone untouched, a block hub the people of its block. A conflicted project
  links to the safe hub, to the hubs of blocks holding nobody it must avoid, and
  directly to the allowed people of the other blocks. So every path it has leads to
  someone it may have, at that person's true cost, and everyone it may have is reached.
  With blocks of about √(touched / conflicts per project) people, a project needs about
  2·√(touched · conflicts) arcs instead of one per person.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from api.supervisors.fit import (
    DISTRICT_FIT,
    EXPERTISE_FIT,
    MAX_FIT,
    fit_scale,
    load_unit_cost,
    max_load_unit_cost,
)
from api.supervisors.network import FlowNetwork, Ints
from api.supervisors.problem import ProjectToSupervise, SupervisorCapacity

Placed = dict[int, int]  # project id → position of its supervisor in ``Pool.available``


class Pool:
    """The supervisors' side: a node per person with a free place, and their places."""

    def __init__(
        self, network: FlowNetwork, available: Sequence[SupervisorCapacity], placeable: int
    ) -> None:
        self.available = available
        self.first = network.add_nodes([0] * len(available))
        self.sink = network.add_nodes([0])
        owners, costs = _places(available)
        network.add_arcs(self.first + owners, self.sink, 1, costs)
        self.scale = fit_scale(placeable, max_load_unit_cost(list(available)))
        self._classes: dict[str, Ints] = {}
        self._districts: dict[int, Ints] = {}

    def nodes(self, positions: Ints) -> Ints:
        return self.first + positions

    def costs(self, service_class: str, district_id: int) -> Ints:
        """The cost of the arc into each person for a project of this class and district."""
        if service_class not in self._classes:
            self._classes[service_class] = np.array(
                [EXPERTISE_FIT * (service_class in s.expertise) for s in self.available],
                dtype=np.int64,
            )
        if district_id not in self._districts:
            self._districts[district_id] = np.array(
                [DISTRICT_FIT * (district_id in s.district_ids) for s in self.available],
                dtype=np.int64,
            )
        fit = self._classes[service_class] + self._districts[district_id]
        return (MAX_FIT - fit) * self.scale


def _places(available: Sequence[SupervisorCapacity]) -> tuple[Ints, Ints]:
    """One (position, cost) per free place; a person's places cost more and more."""
    owners = [i for i, s in enumerate(available) for _ in range(s.spare)]
    costs = [
        load_unit_cost(new_load, s.max_load)
        for s in available
        for new_load in range(s.load + 1, s.max_load + 1)
    ]
    return np.array(owners, dtype=np.int64), np.array(costs, dtype=np.int64)


def _units(flows: Ints, positions: Ints) -> list[int]:
    """The positions behind the flows on arcs into ``positions``, one per unit, in order."""
    return np.repeat(positions, flows).tolist()


class RelaxedGroup:
    """A group as one node; conflicts are respected only when its places are shared."""

    def __init__(self, network: FlowNetwork, pool: Pool, members: list[ProjectToSupervise]) -> None:
        self.members = members
        everyone = np.arange(len(pool.available), dtype=np.int64)
        node = network.add_nodes([len(members)])
        first = members[0]
        # One arc per person, in position order: arc i of the group leads to person i.
        self._arcs = network.add_arcs(
            node,
            pool.nodes(everyone),
            len(members),
            pool.costs(first.service_class, first.district_id),
        )

    def decode(self, flows: Ints, aside: dict[int, frozenset[int]]) -> Placed | None:
        """The group's places shared out, or None if a conflict leaves one unusable."""
        taken = flows[self._arcs]
        places = {position: int(taken[position]) for position in np.flatnonzero(taken).tolist()}
        return share(self.members, places, aside)


def share(
    members: list[ProjectToSupervise], places: dict[int, int], aside: dict[int, frozenset[int]]
) -> Placed | None:
    """Give a group's places (position → count, by position) to its projects.

    Projects with conflicts choose first, while every place is still open, the most
    constrained first; the others then fill the rest in id order. None if a place is
    left that no remaining project may take.
    """
    remaining = dict(places)
    placed: Placed = {}
    conflicted = sorted(
        (p for p in members if p.project_id in aside),
        key=lambda p: (-len(aside[p.project_id]), p.project_id),
    )
    free = [p for p in members if p.project_id not in aside]
    for project in conflicted + free:
        if not remaining:
            break
        excluded = aside.get(project.project_id, frozenset())
        position = next((i for i in remaining if i not in excluded), None)
        if position is None:
            continue
        placed[project.project_id] = position
        remaining[position] -= 1
        if not remaining[position]:
            del remaining[position]
    return None if remaining else placed


class ExactGroup:
    """A group with every conflict in the network (see the module's description)."""

    def __init__(
        self,
        network: FlowNetwork,
        pool: Pool,
        members: list[ProjectToSupervise],
        aside: dict[int, frozenset[int]],
    ) -> None:
        conflicted = [p for p in members if p.project_id in aside]
        self._free = [p.project_id for p in members if p.project_id not in aside]
        touched = sorted(set().union(*(aside[p.project_id] for p in conflicted)))
        exclusions = sum(len(aside[p.project_id]) for p in conflicted)
        size = _block_size(len(touched), len(conflicted), exclusions)
        blocks = [touched[i : i + size] for i in range(0, len(touched), size)]
        safe = np.setdiff1d(np.arange(len(pool.available)), touched)
        self._hub_people = [safe, *(np.array(b, dtype=np.int64) for b in blocks)]
        costs = pool.costs(members[0].service_class, members[0].district_id)

        hubs = network.add_nodes([0] * len(self._hub_people))
        self._hub_arcs = [
            network.add_arcs(hubs + i, pool.nodes(people), len(members), costs[people])
            for i, people in enumerate(self._hub_people)
        ]
        free_node = network.add_nodes([len(self._free)])
        self._free_arcs = network.add_arcs(
            free_node, hubs + np.arange(len(self._hub_people)), len(self._free), 0
        )
        # One batch of arcs for all conflicted projects.
        first_node = network.add_nodes([1] * len(conflicted))
        index, self._hub, self._person = _links(conflicted, aside, touched, size)
        self._owner = [conflicted[k].project_id for k in index]
        tails = first_node + np.array(index, dtype=np.int64)
        hub_array = np.array(self._hub, dtype=np.int64)
        person_array = np.array(self._person, dtype=np.int64)
        heads = np.where(hub_array >= 0, hubs + hub_array, pool.first + person_array)
        arc_costs = np.where(hub_array >= 0, 0, costs[np.maximum(person_array, 0)])
        self._own_arcs = network.add_arcs(tails, heads, 1, arc_costs)

    def decode(self, flows: Ints, aside: dict[int, frozenset[int]]) -> Placed:
        """Who takes whom: direct arcs name the person; projects entering a hub may take
        anyone it reaches, so they are paired with its outgoing units in order."""
        placed: Placed = {}
        entrants: list[list[int]] = [[] for _ in self._hub_people]
        for arc in np.flatnonzero(flows[self._own_arcs]).tolist():
            if self._hub[arc] >= 0:
                entrants[self._hub[arc]].append(self._owner[arc])
            else:
                placed[self._owner[arc]] = self._person[arc]
        free = iter(self._free)
        for hub, count in enumerate(flows[self._free_arcs].tolist()):
            entrants[hub] += [next(free) for _ in range(count)]
        for hub, people in enumerate(self._hub_people):
            units = _units(flows[self._hub_arcs[hub]], people)
            placed.update(zip(sorted(entrants[hub]), units, strict=True))
        return placed


def _links(
    conflicted: list[ProjectToSupervise],
    aside: dict[int, frozenset[int]],
    touched: list[int],
    size: int,
) -> tuple[list[int], list[int], list[int]]:
    """The arcs of the conflicted projects as three columns: the project's index, and
    where the arc leads: a hub (0 safe, b + 1 block b) and -1, or -1 and a person's
    position. A project links to the safe hub, to every block hub holding nobody it
    must avoid, and directly to the allowed people of the other blocks."""
    rank = {position: r for r, position in enumerate(touched)}
    block_count = -(-len(touched) // size)
    index: list[int] = []
    hubs: list[int] = []
    people: list[int] = []
    for k, project in enumerate(conflicted):
        excluded = aside[project.project_id]
        hit = {rank[position] // size for position in excluded}
        open_hubs = [0, *(b + 1 for b in range(block_count) if b not in hit)]
        allowed = [
            position
            for b in sorted(hit)
            for position in touched[b * size : (b + 1) * size]
            if position not in excluded
        ]
        index += [k] * (len(open_hubs) + len(allowed))
        hubs += open_hubs + [-1] * len(allowed)
        people += [-1] * len(open_hubs) + allowed
    return index, hubs, people


def _block_size(touched: int, conflicted: int, exclusions: int) -> int:
    """About √(touched / conflicts per project), which minimises a project's arcs:
    touched / size hub arcs plus about conflicts · size direct ones."""
    if not exclusions:
        return 1
    return max(1, round(math.sqrt(touched * conflicted / exclusions)))
