"""Giving every awarded project of a fair its one supervisor (派督导), and freeing them.

The plan comes from the optimal engine (``api.supervisors.planning.plan``); this
module reads the facts it needs and writes the plan one assignment at a time. Each
assignment is its own short transaction: the project row is locked, the supervisor's
load grows only while below the maximum (a conditional update), and the assignment is
one-to-one with the project. So concurrent runs never give a project two supervisors nor anyone more
projects than allowed; a supervisor found full is re-planned around.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Subquery
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.bidding.models import Award, ReviewScore
from api.errors import DomainError, ErrorCode
from api.fairs.models import Fair
from api.live.events import EventKind, FairEvent
from api.live.runtime import announce
from api.organizations.affiliation import names_organization
from api.organizations.models import Organization
from api.projects.models import Project, ProjectStatus
from api.supervisors.models import Assignment, Supervisor, SupervisorExpertise
from api.supervisors.planning import Candidate, Planned, ProjectNeed, Uncovered
from api.supervisors.planning import plan as make_plan

# Awarded projects still running: they need a supervisor until they end.
RUNNING = (ProjectStatus.AWARDED, ProjectStatus.IN_DELIVERY)


@dataclass(frozen=True)
class UnassignedProject:
    project: Project
    code: ErrorCode
    reason: str


@dataclass(frozen=True)
class AssignmentOutcome:
    """Projects given a supervisor by this run, and those nobody could take."""

    assigned: list[Project]
    unassigned: list[UnassignedProject]


class _Written(Enum):
    ASSIGNED = "assigned"
    FULL = "full"  # the supervisor reached the maximum load meanwhile
    TAKEN = "taken"  # the project got a supervisor meanwhile, or ended


async def assign_supervisors(actor: Account | None, fair_id: int | None) -> AssignmentOutcome:
    """One supervisor for every running awarded project of the fair that has none.

    ``fair_id`` None stands for an id that names no fair.
    """
    require(actor, Role.ORGANIZER)
    if fair_id is None or not await Fair.exists(id=fair_id):
        raise DomainError.one(ErrorCode.NOT_FOUND, "届次不存在。No such fair.", ["fair"])
    projects = await _uncovered_projects(fair_id)
    needs = [ProjectNeed(p.id, p.service_class, p.district_id) for p in projects]
    candidates, loads = await _pool()
    conflicts = await conflicted_supervisors([p.id for p in projects])

    assigned: set[int] = set()
    uncovered: list[Uncovered] = []
    while needs:
        plan, nobody = make_plan(needs, candidates, loads, conflicts)
        uncovered += nobody
        retry = []
        for planned in plan:
            written = await _write(actor, planned)
            if written is _Written.ASSIGNED:
                assigned.add(planned.project_id)
                loads[planned.supervisor_id] = loads.get(planned.supervisor_id, 0) + 1
            elif written is _Written.FULL:
                # Someone else filled this supervisor: plan the project again without them.
                loads[planned.supervisor_id] = _max_load(candidates, planned.supervisor_id)
                retry.append(planned.project_id)
        needs = [n for n in needs if n.project_id in retry]

    by_id = {p.id: p for p in projects}
    fresh = {p.id: p for p in await Project.filter(id__in=list(assigned))}
    return AssignmentOutcome(
        assigned=[fresh[p.id] for p in projects if p.id in fresh],
        unassigned=[UnassignedProject(by_id[u.project_id], u.code, u.reason) for u in uncovered],
    )


async def release_supervisor(project_id: int) -> None:
    """Free the supervisor's slot of a project that has ended (TERMINATED or CLOSED).

    Call it in the transaction that ends the project, after the project's status moved
    by a conditional update: the slot is then freed exactly once.
    """
    assignment = await Assignment.get_or_none(project_id=project_id)
    if assignment is not None:
        await Supervisor.filter(id=assignment.supervisor_id, load__gt=0).update(load=F("load") - 1)


async def _uncovered_projects(fair_id: int) -> list[Project]:
    covered = Assignment.filter(project__fair_id=fair_id).values("project_id")
    return (
        await Project.filter(fair_id=fair_id, status__in=RUNNING)
        .exclude(id__in=Subquery(covered))
        .order_by("id")
    )


async def _pool() -> tuple[list[Candidate], dict[int, int]]:
    """Every person of the pool as a candidate, and their current loads."""
    people = await Supervisor.all().order_by("id")
    expertise: dict[int, set] = defaultdict(set)
    for supervisor_id, service_class in await SupervisorExpertise.all().values_list(
        "supervisor_id", "service_class"
    ):
        expertise[supervisor_id].add(service_class)
    districts: dict[int, set[int]] = defaultdict(set)
    for supervisor_id, district_id in await Supervisor.filter(
        districts__id__isnull=False
    ).values_list("id", "districts__id"):
        districts[supervisor_id].add(district_id)
    candidates = [
        Candidate(
            supervisor_id=s.id,
            expertise=frozenset(expertise[s.id]),
            district_ids=frozenset(districts[s.id]),
            max_load=s.max_load,
        )
        for s in people
    ]
    return candidates, {s.id: s.load for s in people}


async def conflicted_supervisors(project_ids: list[int]) -> dict[int, set[int]]:
    """Per project, the supervisors who must stand aside: those affiliated with the
    awarded organization, and those who reviewed a bid on the project."""
    conflicts: dict[int, set[int]] = defaultdict(set)
    if not project_ids:
        return conflicts
    awards = await Award.filter(project_id__in=project_ids).values_list(
        "project_id", "organization_id"
    )
    awarded = await Organization.filter(id__in=[o for _, o in awards]).values_list(
        "id", "name", "credit_code"
    )
    names = {id_: (str(name), str(code)) for id_, name, code in awarded}
    affiliations = await Supervisor.all().values_list(
        "id", "affiliated_organization_id", "affiliation"
    )
    for project_id, organization_id in awards:
        name, code = names.get(organization_id, ("", ""))
        for supervisor_id, linked_id, affiliation in affiliations:
            if linked_id == organization_id or names_organization(str(affiliation), name, code):
                conflicts[project_id].add(supervisor_id)
    for project_id, reviewer_id in await ReviewScore.filter(
        bid__project_id__in=project_ids
    ).values_list("bid__project_id", "reviewer_id"):
        conflicts[project_id].add(reviewer_id)
    return conflicts


async def _write(actor: Account | None, planned: Planned) -> _Written:
    """Write one planned assignment, or say why it could not be written."""
    try:
        async with in_transaction():
            project = await Project.filter(id=planned.project_id).select_for_update().first()
            if project is None or project.status not in RUNNING:
                return _Written.TAKEN
            if await Assignment.exists(project_id=planned.project_id):
                return _Written.TAKEN
            grown = await Supervisor.filter(
                id=planned.supervisor_id, load__lt=F("max_load")
            ).update(load=F("load") + 1)
            if not grown:
                return _Written.FULL
            assignment = await Assignment.create(
                project_id=planned.project_id,
                supervisor_id=planned.supervisor_id,
                assigned_at=datetime.now(UTC),
                fit=planned.fit,
                reasons=list(planned.reasons),
            )
            supervisor = await Supervisor.get(id=planned.supervisor_id)
            await record(
                actor,
                "assignSupervisors",
                [assignment, project, supervisor],
                {"fit": planned.fit, "reasons": list(planned.reasons)},
            )
    except IntegrityError:
        # A concurrent run inserted the project's assignment first; ours rolled back.
        return _Written.TAKEN
    await announce(FairEvent.about(EventKind.SUPERVISOR_ASSIGNED, project))
    return _Written.ASSIGNED


def _max_load(candidates: list[Candidate], supervisor_id: int) -> int:
    return next(c.max_load for c in candidates if c.supervisor_id == supervisor_id)
