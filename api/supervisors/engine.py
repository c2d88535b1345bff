"""The optimal supervisor assignment (派督导): one global optimisation, pure and exact.

``solve`` gives each project at most one supervisor, nobody above their maximum load and
nobody who must stand aside (affiliated with the awarded organization, or a reviewer of
the project), and among such plans it finds, in this order of importance:

1. the most projects placed (a project with fit 0 beats a project without supervisor);
2. the greatest total fit (``api.supervisors.fit``);
3. the evenest load, each supervisor's share of their own maximum.

It is a min-cost flow (``api.supervisors.formulation``) solved exactly by OR-Tools.
Projects of the same service class and district fit everyone alike, so they are grouped:
66 demand nodes instead of 50,000 at national scale.

Conflicts belong to single projects, and the first round relaxes them: each group is
one node that may send flow to anyone. Its places are then shared among its projects
respecting every conflict. When that works for every group, the plan is feasible and
exactly as good as the relaxation's optimum, which no feasible plan can beat (the
relaxation allows more), so it is optimal. Otherwise a second round solves the exact
network, where every group with conflicts keeps them (``ExactGroup``). So the answer is
always optimal; the generated city and national instances need one round.
"""

from __future__ import annotations

from collections.abc import Sequence

from api.supervisors.fit import fit_of, fit_reasons
from api.supervisors.formulation import ExactGroup, Placed, Pool, RelaxedGroup
from api.supervisors.network import FlowNetwork
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
    projects: Sequence[ProjectToSupervise],
    supervisors: Sequence[SupervisorCapacity],
    *,
    relax_first: bool = True,
) -> Solution:
    """The optimal plan for ``projects``; the same for any order of either input.

    ``relax_first=False`` goes straight to the exact network (for tests and benchmarks:
    the result is equally optimal).
    """
    ordered, pool = canonical(projects, supervisors)
    available = [s for s in pool if s.spare > 0]
    aside = conflicts(ordered, available)
    groups = _groups(ordered)
    placed = _round(groups, available, aside, exact=False) if relax_first else None
    if placed is None:
        placed = _round(groups, available, aside, exact=True)
    assert placed is not None, "the exact network always decodes"
    return describe(ordered, available, aside, placed)


def _groups(projects: list[ProjectToSupervise]) -> list[list[ProjectToSupervise]]:
    """Projects by (class, district), groups in key order, members in id order."""
    groups: dict[tuple[str, int], list[ProjectToSupervise]] = {}
    for p in projects:
        groups.setdefault((p.service_class, p.district_id), []).append(p)
    return [groups[key] for key in sorted(groups)]


def _round(
    groups: list[list[ProjectToSupervise]],
    available: list[SupervisorCapacity],
    aside: dict[int, frozenset[int]],
    exact: bool,
) -> Placed | None:
    """One solve; None when a relaxed group's places cannot be shared out."""
    if not groups or not available:
        return {}
    network = FlowNetwork()
    placeable = min(sum(map(len, groups)), sum(s.spare for s in available))
    pool = Pool(network, available, placeable)
    forms = [
        ExactGroup(network, pool, members, aside)
        if exact and any(p.project_id in aside for p in members)
        else RelaxedGroup(network, pool, members)
        for members in groups
    ]
    network.balance(pool.sink)
    flows = network.solve()
    placed: Placed = {}
    for form in forms:
        shared = form.decode(flows, aside)
        if shared is None:
            return None
        placed.update(shared)
    return placed


def describe(
    projects: list[ProjectToSupervise],
    available: list[SupervisorCapacity],
    aside: dict[int, frozenset[int]],
    placed: Placed,
) -> Solution:
    """A plan (project id → position in ``available``) in words: fit and reasons per
    assignment, a reason per project left. Shared with the greedy baseline."""
    final_load = [s.load for s in available]
    for position in placed.values():
        final_load[position] += 1
    shortfall = Shortfall(available)
    assignments: dict[int, Assignment] = {}
    unassigned: dict[int, Reason] = {}
    for p in projects:
        if p.project_id in placed:
            position = placed[p.project_id]
            s = available[position]
            fit = float(fit_of(p.service_class, p.district_id, s))
            reasons = fit_reasons(p, s, final_load[position])
            assignments[p.project_id] = Assignment(s.supervisor_id, fit, reasons)
        else:
            excluded = aside.get(p.project_id, frozenset())
            unassigned[p.project_id] = shortfall.reason(p, excluded)
    return Solution(assignments, unassigned)
