"""The supervisor assignment problem as plain facts: what goes in and what comes out.

These frozen dataclasses are all the engine (``api.supervisors.engine``) and the greedy
baseline (``api.supervisors.baseline``) know; reading them from the database and writing
the plan back is the service's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProjectToSupervise:
    """An awarded project that needs its one supervisor.

    ``reviewer_ids`` are the supervisors who reviewed a bid on the project; any other
    person who must stand aside for this project alone can be added to it as well.
    """

    project_id: int
    service_class: str
    district_id: int
    organization_id: int  # the awarded organization
    reviewer_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SupervisorCapacity:
    """A person of the pool, with how many projects they follow now and at most."""

    supervisor_id: int
    expertise: frozenset[str]
    district_ids: frozenset[int]
    max_load: int
    load: int = 0
    affiliated_organization_id: int | None = None

    @property
    def spare(self) -> int:
        """New projects this person can still take (never negative)."""
        return max(0, self.max_load - self.load)


@dataclass(frozen=True)
class Assignment:
    """One project given to one supervisor, how well they fit, and why (the fit terms)."""

    supervisor_id: int
    fit: float
    reasons: list[str] = field(hash=False)


@dataclass(frozen=True)
class Reason:
    """Why a project got no supervisor: a stable code and a message for organizers."""

    code: str
    message: str


# Codes of ``Reason``.
NO_CAPACITY = "NO_CAPACITY"  # nobody in the pool has a free place at all
ALL_CONFLICTED = "ALL_CONFLICTED"  # everyone with a free place must stand aside
FIELD_FULL = "FIELD_FULL"  # free places existed, but other projects needed them all


@dataclass(frozen=True)
class Solution:
    """The plan: supervisors for the projects that can have one, reasons for the rest.

    Both maps are keyed by project id and ordered by it.
    """

    assignments: dict[int, Assignment]
    unassigned: dict[int, Reason]

    @property
    def total_fit(self) -> float:
        return float(sum(a.fit for a in self.assignments.values()))

    def new_loads(self) -> dict[int, int]:
        """Projects each supervisor gets from this plan (only those who get any)."""
        counts: dict[int, int] = {}
        for assignment in self.assignments.values():
            counts[assignment.supervisor_id] = counts.get(assignment.supervisor_id, 0) + 1
        return dict(sorted(counts.items()))


def canonical(
    projects: Sequence[ProjectToSupervise], supervisors: Sequence[SupervisorCapacity]
) -> tuple[list[ProjectToSupervise], list[SupervisorCapacity]]:
    """Both sides sorted by id, so the result never depends on the order given.

    Raises ``ValueError`` on a repeated id: it would make the plan ambiguous.
    """
    ordered_projects = sorted(projects, key=lambda p: p.project_id)
    ordered_supervisors = sorted(supervisors, key=lambda s: s.supervisor_id)
    for name, ids in (
        ("project", [p.project_id for p in ordered_projects]),
        ("supervisor", [s.supervisor_id for s in ordered_supervisors]),
    ):
        if len(set(ids)) != len(ids):
            raise ValueError(f"repeated {name} id")
    return ordered_projects, ordered_supervisors


def excluded(project: ProjectToSupervise, supervisor: SupervisorCapacity) -> bool:
    """Whether the person must stand aside for this project (a conflict of interest)."""
    return (
        supervisor.affiliated_organization_id == project.organization_id
        or supervisor.supervisor_id in project.reviewer_ids
    )


def conflicts(
    projects: Sequence[ProjectToSupervise], supervisors: Sequence[SupervisorCapacity]
) -> dict[int, frozenset[int]]:
    """Per project id, the positions in ``supervisors`` of those who must stand aside.

    Projects without any conflict are left out, so the map stays as small as the
    conflicts are rare; a person is found through an index, never by scanning the pool.
    """
    position = {s.supervisor_id: i for i, s in enumerate(supervisors)}
    by_organization: dict[int, list[int]] = {}
    for i, s in enumerate(supervisors):
        if s.affiliated_organization_id is not None:
            by_organization.setdefault(s.affiliated_organization_id, []).append(i)
    found: dict[int, frozenset[int]] = {}
    for project in projects:
        aside = set(by_organization.get(project.organization_id, ()))
        aside.update(position[r] for r in project.reviewer_ids if r in position)
        if aside:
            found[project.project_id] = frozenset(aside)
    return found
