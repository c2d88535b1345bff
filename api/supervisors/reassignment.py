"""Changing the supervisor of one project by hand (更换督导), with a reason.

An organizer may replace the supervisor of a running awarded project (AWARDED or
IN_DELIVERY) with another person of the pool, under the engine's hard rules: the new
person has a free place (load below the maximum) and does not stand aside for the
project (affiliated with the awarded organization, or a reviewer of its bids).

The alternatives offered are the engine's own choice for a single project: every
eligible person ordered by fit (``api.supervisors.fit``), then by the cost of the extra
load (the engine's convex load cost), so the first one is what ``assignSupervisors``
would pick if the project had nobody.

Loads move by conditional updates in the transaction that changes the assignment, the
project's row locked first: the new person's load grows only while below the maximum,
the old one's shrinks only above zero, and the two supervisor rows are always updated
in id order, so two reassignments at once neither deadlock nor leave a load that
disagrees with the assignments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.bidding.models import Award
from api.errors import DomainError, ErrorCode
from api.live.events import EventKind, FairEvent
from api.live.runtime import announce
from api.projects.models import Project
from api.supervisors.assignment import RUNNING, conflicted_supervisors
from api.supervisors.fit import fit_of, fit_reasons, load_unit_cost
from api.supervisors.models import Assignment, Supervisor, SupervisorExpertise
from api.supervisors.problem import ProjectToSupervise, SupervisorCapacity

MAX_REASON = 500
MAX_CANDIDATES = 20


@dataclass(frozen=True)
class SupervisorOption:
    """A person who may take the project, how well they fit and why."""

    supervisor_id: int
    fit: float
    reasons: list[str]
    load: int
    max_load: int


@dataclass(frozen=True)
class Reassigned:
    project: Project
    assignment: Assignment
    previous_supervisor_id: int


async def supervisor_options(project_id: int, limit: int = 5) -> list[SupervisorOption]:
    """The eligible people for ``project_id`` other than its supervisor, best first."""
    project = await Project.get_or_none(id=project_id)
    if project is None or project.status not in RUNNING:
        return []
    current = await Assignment.get_or_none(project_id=project_id)
    aside = (await conflicted_supervisors([project_id])).get(project_id, set())
    if current is not None:
        aside.add(current.supervisor_id)
    need = await _need(project)
    ranked = sorted(
        (p for p in await _people_with_room() if p.supervisor_id not in aside),
        key=lambda p: (
            -fit_of(need.service_class, need.district_id, p),
            load_unit_cost(p.load + 1, p.max_load),
            p.supervisor_id,
        ),
    )
    return [_option(need, p) for p in ranked[: max(0, min(limit, MAX_CANDIDATES))]]


async def reassign_supervisor(
    actor: Account | None, project_id: int | None, supervisor_id: int | None, reason: str
) -> Reassigned:
    """Give the project ``supervisor_id`` instead of its supervisor; None ids name nothing."""
    require(actor, Role.ORGANIZER)
    project = await Project.get_or_none(id=project_id) if project_id is not None else None
    if project is None:
        raise _refusal(ErrorCode.NOT_FOUND, "项目不存在。No such project.", "project")
    person = await Supervisor.get_or_none(id=supervisor_id) if supervisor_id is not None else None
    if person is None:
        raise _refusal(ErrorCode.NOT_FOUND, "督导不在专家库中。No such supervisor.", "supervisor")
    text = reason.strip()
    if not text or len(text) > MAX_REASON:
        raise _refusal(
            ErrorCode.INVALID_INPUT,
            f"请填写更换理由（最多 {MAX_REASON} 个字）。A reason is required.",
            "reason",
        )
    if (await conflicted_supervisors([project.id])).get(project.id, set()) & {person.id}:
        raise _refusal(
            ErrorCode.CONFLICT_OF_INTEREST,
            "该督导与承接机构有关联或评审过本项目，须回避。The person must stand aside.",
            "supervisor",
        )
    async with in_transaction():
        locked = await Project.filter(id=project.id).select_for_update().first()
        current = await Assignment.get_or_none(project_id=project.id)
        if locked is None or locked.status not in RUNNING or current is None:
            raise _refusal(
                ErrorCode.INVALID_STATE,
                "只有已立项、正在实施且已有督导的项目可以更换督导。"
                " Only a running project with a supervisor can have it changed.",
                "project",
            )
        previous = current.supervisor_id
        if previous == person.id:
            raise _refusal(
                ErrorCode.INVALID_INPUT, "这已是本项目的督导。Already its supervisor.", "supervisor"
            )
        await _move_load(previous, person.id)
        need = await _need(locked)
        capacity = (await _capacities([person.id]))[0]
        option = _option(need, capacity, load_after=capacity.load)
        current.supervisor_id = person.id
        current.assigned_at = datetime.now(UTC)
        current.fit, current.reasons = option.fit, option.reasons
        await current.save(update_fields=["supervisor_id", "assigned_at", "fit", "reasons"])
        old = await Supervisor.get(id=previous)
        detail = {"reason": text, "from": previous, "to": person.id, "fit": option.fit}
        await record(actor, "reassignSupervisor", [current, locked, old, person], detail)
    await announce(FairEvent.about(EventKind.SUPERVISOR_REASSIGNED, locked))
    return Reassigned(locked, current, previous)


async def _move_load(old_id: int, new_id: int) -> None:
    """One place from ``old_id`` to ``new_id``; refused when ``new_id`` is full.

    Rows are touched in id order, as every reassignment does, so two never wait on each
    other in a circle."""
    for supervisor_id in sorted((old_id, new_id)):
        if supervisor_id == old_id:
            await Supervisor.filter(id=old_id, load__gt=0).update(load=F("load") - 1)
            continue
        grown = await Supervisor.filter(id=new_id, load__lt=F("max_load")).update(
            load=F("load") + 1
        )
        if not grown:
            raise _refusal(
                ErrorCode.INVALID_STATE,
                "该督导已达最多督导项目数。The supervisor has no free place.",
                "supervisor",
            )


async def _need(project: Project) -> ProjectToSupervise:
    award = await Award.get_or_none(project_id=project.id)
    return ProjectToSupervise(
        project_id=project.id,
        service_class=str(project.service_class),
        district_id=project.district_id,
        organization_id=award.organization_id if award else 0,
    )


async def _people_with_room() -> list[SupervisorCapacity]:
    rows = await Supervisor.filter(load__lt=F("max_load")).values_list("id", flat=True)
    return await _capacities(cast(list[int], rows))


async def _capacities(ids: list[int]) -> list[SupervisorCapacity]:
    """The people of ``ids`` as the engine sees them, in id order (three statements)."""
    expertise: dict[int, set[str]] = {i: set() for i in ids}
    for supervisor_id, service_class in await SupervisorExpertise.filter(
        supervisor_id__in=ids
    ).values_list("supervisor_id", "service_class"):
        expertise[supervisor_id].add(str(service_class))
    districts: dict[int, set[int]] = {i: set() for i in ids}
    for supervisor_id, district_id in await Supervisor.filter(
        id__in=ids, districts__id__isnull=False
    ).values_list("id", "districts__id"):
        districts[supervisor_id].add(district_id)
    return [
        SupervisorCapacity(
            supervisor_id=s.id,
            expertise=frozenset(expertise[s.id]),
            district_ids=frozenset(districts[s.id]),
            max_load=s.max_load,
            load=s.load,
        )
        for s in await Supervisor.filter(id__in=ids).order_by("id")
    ]


def _option(
    need: ProjectToSupervise, person: SupervisorCapacity, load_after: int | None = None
) -> SupervisorOption:
    after = person.load + 1 if load_after is None else load_after
    return SupervisorOption(
        supervisor_id=person.supervisor_id,
        fit=float(fit_of(need.service_class, need.district_id, person)),
        reasons=fit_reasons(need, person, after),
        load=person.load,
        max_load=person.max_load,
    )


def _refusal(code: ErrorCode, message: str, field: str) -> DomainError:
    return DomainError.one(code, message, [field])
