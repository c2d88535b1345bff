"""The optimal supervisor assignment (派督导): one global optimisation, pure and exact.

``solve`` gives each project at most one supervisor, nobody above their maximum load and
nobody who must stand aside (affiliated with the awarded organization, or a reviewer of
the project), and among such plans it finds, in this order of importance:

1. the most projects placed (a project with fit 0 beats a project without supervisor);
2. the greatest total fit (``api.supervisors.fit``);
3. the evenest load, each supervisor's share of their own maximum.

It is a min-cost flow (``api.supervisors.network``) solved exactly by OR-Tools. For
scale, projects of the same service class and district, which fit everyone alike, share
one demand node: 66 nodes instead of 50,000 at national scale.

Conflicts are individual, so grouping relaxes them: the solver may route a group's flow
to someone one of its projects must avoid. The engine then shares the group's places
among its projects respecting every conflict. If that succeeds, the plan is feasible and
as good as the relaxation's optimum, which no feasible plan can beat, so it is optimal.
If some project of a group cannot be fitted in, those projects get a node of their own
with arcs only to the people they may have (exact), and the network is solved again.
Each round moves at least one project to its own node, so this ends, at worst with every
conflicted project alone: the exact network. In practice one round suffices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api.supervisors.fit import fit_of, fit_reasons
from api.supervisors.network import Demand, build_network, solve_flow
from api.supervisors.problem import (
    Assignment,
    ProjectToSupervise,
    Reason,
    Solution,
    SupervisorCapacity,
    canonical,
    conflicts,
)
from api.supervisors.shortfall import Shortfall

__all__ = [
    "Assignment",
    "ProjectToSupervise",
    "Reason",
    "Solution",
    "SupervisorCapacity",
    "solve",
]


def solve(
    projects: Sequence[ProjectToSupervise], supervisors: Sequence[SupervisorCapacity]
) -> Solution:
    """The optimal plan for ``projects``; the same for any order of either input."""
    ordered, pool = canonical(projects, supervisors)
    available = [s for s in pool if s.spare > 0]
    aside = conflicts(ordered, available)
    alone: set[int] = set()
    while True:
        placed, stranded = _round(ordered, available, aside, alone)
        if not stranded:
            return describe(ordered, available, aside, placed)
        alone.update(stranded)


@dataclass(frozen=True)
class _Node:
    """A demand node and the projects behind it, in id order."""

    demand: Demand
    projects: list[ProjectToSupervise]


def _round(
    projects: list[ProjectToSupervise],
    available: list[SupervisorCapacity],
    aside: dict[int, frozenset[int]],
    alone: set[int],
) -> tuple[dict[int, int], list[int]]:
    """Solve once: project id → position of its supervisor, and the stranded projects."""
    nodes = _nodes(projects, aside, alone)
    if not nodes or not available:
        return {}, []
    network = build_network([n.demand for n in nodes], available)
    flows = solve_flow(network)
    places: list[dict[int, int]] = [{} for _ in nodes]
    for arc in map(int, flows.nonzero()[0]):
        supervisor = int(network.heads[arc]) - network.demand_count
        places[int(network.tails[arc])][supervisor] = int(flows[arc])
    placed: dict[int, int] = {}
    stranded: list[int] = []
    for node, node_places in zip(nodes, places, strict=True):
        node_placed, node_stranded = _share(node.projects, dict(sorted(node_places.items())), aside)
        placed.update(node_placed)
        stranded += node_stranded
    return placed, stranded


def _nodes(
    projects: list[ProjectToSupervise], aside: dict[int, frozenset[int]], alone: set[int]
) -> list[_Node]:
    """Groups by (class, district) in key order, then the projects alone, by id."""
    groups: dict[tuple[str, int], list[ProjectToSupervise]] = {}
    singles: list[_Node] = []
    for p in projects:
        if p.project_id in alone:
            demand = Demand(p.service_class, p.district_id, 1, aside.get(p.project_id, frozenset()))
            singles.append(_Node(demand, [p]))
        else:
            groups.setdefault((p.service_class, p.district_id), []).append(p)
    grouped = [
        _Node(Demand(service_class, district_id, len(members)), members)
        for (service_class, district_id), members in sorted(groups.items())
    ]
    return grouped + singles


def _share(
    members: list[ProjectToSupervise], places: dict[int, int], aside: dict[int, frozenset[int]]
) -> tuple[dict[int, int], list[int]]:
    """Give a node's places (supervisor position → count) to its projects.

    Projects with conflicts choose first, while every place is still open, the most
    constrained first; the others fill the rest in id order. Returns the placed projects
    and, if a place is left over, the conflicted projects that could not use it.
    """
    remaining = dict(places)
    placed: dict[int, int] = {}
    skipped: list[int] = []
    conflicted = sorted(
        (p for p in members if p.project_id in aside),
        key=lambda p: (-len(aside[p.project_id]), p.project_id),
    )
    free = [p for p in members if p.project_id not in aside]
    for project in conflicted + free:
        if not remaining:
            break
        excluded = aside.get(project.project_id, frozenset())
        supervisor = next((i for i in remaining if i not in excluded), None)
        if supervisor is None:
            skipped.append(project.project_id)
            continue
        placed[project.project_id] = supervisor
        remaining[supervisor] -= 1
        if not remaining[supervisor]:
            del remaining[supervisor]
    return placed, (skipped if remaining else [])


def describe(
    projects: list[ProjectToSupervise],
    available: list[SupervisorCapacity],
    aside: dict[int, frozenset[int]],
    placed: dict[int, int],
) -> Solution:
    """A plan (project id → position in ``available``) in words: fit and reasons per
    assignment, a reason per project left. Shared with the greedy baseline."""
    final_load = [s.load for s in available]
    for supervisor in placed.values():
        final_load[supervisor] += 1
    shortfall = Shortfall(available)
    assignments: dict[int, Assignment] = {}
    unassigned: dict[int, Reason] = {}
    for p in projects:
        if p.project_id in placed:
            s = available[placed[p.project_id]]
            fit = float(fit_of(p.service_class, p.district_id, s))
            reasons = fit_reasons(p, s, final_load[placed[p.project_id]])
            assignments[p.project_id] = Assignment(s.supervisor_id, fit, reasons)
        else:
            excluded = aside.get(p.project_id, frozenset())
            unassigned[p.project_id] = shortfall.reason(p, excluded)
    return Solution(assignments, unassigned)
