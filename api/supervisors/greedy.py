"""Choosing a supervisor for each awarded project: a simple greedy plan, pure and testable.

``assign`` is the interface a better engine (an optimal assignment) can later replace:
it takes plain facts and returns the plan, touching no database. The rules it keeps:
at most one supervisor per project, nobody above their maximum load, nobody in
``conflicts`` with a project; among the rest it prefers matching expertise, then a
matching district, then the least loaded.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from api.catalog.models import SERVICE_CLASS_NAMES, ServiceClass
from api.errors import ErrorCode

# How the fit (0..1) weighs what a supervisor brings to a project.
EXPERTISE_WEIGHT = 0.5
DISTRICT_WEIGHT = 0.3
SPARE_CAPACITY_WEIGHT = 0.2


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


def assign(
    projects: Sequence[ProjectNeed],
    supervisors: Sequence[Candidate],
    existing_loads: Mapping[int, int],
    conflicts: Mapping[int, Collection[int]],
) -> tuple[list[Planned], list[Uncovered]]:
    """A plan for ``projects``; ``conflicts`` maps a project to the supervisors it excludes.

    Projects with the fewest possible supervisors choose first, so a scarce specialist
    is not taken by a project that had other options.
    """
    loads = {s.supervisor_id: existing_loads.get(s.supervisor_id, 0) for s in supervisors}

    def open_to(project: ProjectNeed) -> list[Candidate]:
        excluded = conflicts.get(project.project_id, ())
        return [
            s
            for s in supervisors
            if s.supervisor_id not in excluded and loads[s.supervisor_id] < s.max_load
        ]

    order = sorted(projects, key=lambda p: (len(open_to(p)), p.project_id))
    planned: list[Planned] = []
    uncovered: list[Uncovered] = []
    for project in order:
        candidates = open_to(project)
        if not candidates:
            uncovered.append(_why_uncovered(project, supervisors, conflicts))
            continue
        best = min(candidates, key=lambda s: _preference(project, s, loads[s.supervisor_id]))
        planned.append(_plan(project, best, loads[best.supervisor_id]))
        loads[best.supervisor_id] += 1
    return planned, uncovered


def _preference(project: ProjectNeed, s: Candidate, load: int) -> tuple[object, ...]:
    """Sort key, smallest first: expertise, district, lightest relative then absolute load."""
    return (
        project.service_class not in s.expertise,
        project.district_id not in s.district_ids,
        load / s.max_load,
        load,
        s.supervisor_id,
    )


def _plan(project: ProjectNeed, s: Candidate, load: int) -> Planned:
    class_name = SERVICE_CLASS_NAMES.get(project.service_class, str(project.service_class))
    expert = project.service_class in s.expertise
    local = project.district_id in s.district_ids
    spare = 1 - load / s.max_load
    fit = EXPERTISE_WEIGHT * expert + DISTRICT_WEIGHT * local + SPARE_CAPACITY_WEIGHT * spare
    reasons = [
        f"专长领域包含{class_name}" if expert else f"专长领域不含{class_name}（无对口督导可用）",
        "服务区域覆盖项目所在区" if local else "服务区域不含项目所在区",
        f"当前督导 {load} 个项目，上限 {s.max_load} 个",
        "与承接机构无关联，且未参与该项目评审",
    ]
    return Planned(project.project_id, s.supervisor_id, round(fit, 3), tuple(reasons))


def _why_uncovered(
    project: ProjectNeed, supervisors: Sequence[Candidate], conflicts: Mapping[int, Collection[int]]
) -> Uncovered:
    excluded = conflicts.get(project.project_id, ())
    if not supervisors:
        reason = "督导专家库中还没有督导。The pool has no supervisors."
    elif all(s.supervisor_id in excluded for s in supervisors):
        reason = (
            "所有督导都与承接机构有关联或参与过该项目的评审，须回避。"
            " Every supervisor has a conflict of interest."
        )
    else:
        reason = (
            "除须回避的督导外，其余督导都已达到最大负荷，暂时无人可派。"
            " Every supervisor without a conflict is at full load."
        )
    return Uncovered(project.project_id, ErrorCode.NO_ELIGIBLE_SUPERVISOR, reason)
