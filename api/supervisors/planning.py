"""The assignment service's plan, made by the optimal engine.

Translates the service's facts (needs, candidates, current loads, per-project
conflicts) into the engine's problem and its solution back into planned assignments
and uncovered projects. Every conflict, whatever its cause (affiliation, review), goes
in as a per-project exclusion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from api.catalog.models import ServiceClass
from api.errors import ErrorCode
from api.supervisors.engine import solve
from api.supervisors.problem import ProjectToSupervise, SupervisorCapacity


@dataclass(frozen=True)
class ProjectNeed:
    """An awarded project that needs a supervisor."""

    project_id: int
    service_class: ServiceClass
    district_id: int


@dataclass(frozen=True)
class Candidate:
    """A person of the pool who could supervise."""

    supervisor_id: int
    expertise: frozenset[ServiceClass]
    district_ids: frozenset[int]
    max_load: int


@dataclass(frozen=True)
class Planned:
    """One project given to one supervisor, with how well they fit and why."""

    project_id: int
    supervisor_id: int
    fit: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Uncovered:
    """A project nobody can take, and why."""

    project_id: int
    code: ErrorCode
    reason: str


# The engine's exclusions are per project; no organization id is needed beside them.
NO_ORGANIZATION = -1


def plan(
    needs: Sequence[ProjectNeed],
    candidates: Sequence[Candidate],
    loads: Mapping[int, int],
    conflicts: Mapping[int, set[int]],
) -> tuple[list[Planned], list[Uncovered]]:
    """The optimal plan for ``needs``: most projects covered, then best fit, then even load."""
    projects = [
        ProjectToSupervise(
            project_id=n.project_id,
            service_class=n.service_class.value,
            district_id=n.district_id,
            organization_id=NO_ORGANIZATION,
            reviewer_ids=frozenset(conflicts.get(n.project_id, ())),
        )
        for n in needs
    ]
    supervisors = [
        SupervisorCapacity(
            supervisor_id=c.supervisor_id,
            expertise=frozenset(s.value for s in c.expertise),
            district_ids=c.district_ids,
            max_load=c.max_load,
            load=min(loads.get(c.supervisor_id, 0), c.max_load),
        )
        for c in candidates
    ]
    solution = solve(projects, supervisors)
    planned = [
        Planned(project_id, a.supervisor_id, a.fit, tuple(a.reasons))
        for project_id, a in sorted(solution.assignments.items())
    ]
    uncovered = [
        Uncovered(project_id, ErrorCode.NO_ELIGIBLE_SUPERVISOR, reason.message)
        for project_id, reason in sorted(solution.unassigned.items())
    ]
    return planned, uncovered
