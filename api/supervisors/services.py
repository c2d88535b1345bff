"""Adding people to the supervisor and expert pool (督导专家库).

A person's affiliation is kept twice: as text (the university, agency or residents'
committee) and, when they work for an organization of the pool, as a link to it, which is
what later decides conflicts of interest in review and assignment.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.catalog.models import ServiceClass
from api.errors import DomainError, ErrorCode, Problem
from api.organizations.models import Organization
from api.places.checks import missing_districts
from api.places.models import District
from api.supervisors.models import Supervisor, SupervisorExpertise

MAX_LOAD_RANGE = (1, 50)
# Column sizes of the supervisor table.
MAX_NAME = 32
MAX_TITLE = 64
MAX_AFFILIATION = 128
MAX_PHONE = 32


@dataclass(frozen=True)
class SupervisorSpec:
    """A person as entered; an id of ``None`` in ``district_ids`` names no district."""

    name: str
    affiliation: str
    expertise: list[ServiceClass]
    district_ids: list[int | None]
    max_load: int
    title: str | None = None
    contact_phone: str = ""
    # The pool organization the person works for. ``names_organization`` says whether one
    # was given at all: it may be given with an id that resolves to nothing (``None``).
    affiliated_organization_id: int | None = None
    names_organization: bool = False


async def add_supervisor(actor: Account | None, spec: SupervisorSpec) -> Supervisor:
    """Add a person to the pool with their expertise and districts."""
    require(actor, Role.ORGANIZER)
    problems = _entry_problems(spec)
    problems += await missing_districts(spec.district_ids)
    problems += await _organization_problems(spec)
    if problems:
        raise DomainError(problems)
    async with in_transaction():
        person = await Supervisor.create(
            name=spec.name.strip(),
            title=(spec.title or "").strip() or None,
            affiliation=spec.affiliation.strip(),
            affiliated_organization_id=spec.affiliated_organization_id,
            contact_phone=spec.contact_phone.strip(),
            max_load=spec.max_load,
        )
        await SupervisorExpertise.bulk_create(
            [
                SupervisorExpertise(supervisor_id=person.id, service_class=c)
                for c in dict.fromkeys(spec.expertise)
            ]
        )
        district_ids = list(dict.fromkeys(i for i in spec.district_ids if i is not None))
        if district_ids:
            await person.districts.add(*await District.filter(id__in=district_ids))
        await record(actor, "addSupervisor", [person], {"maxLoad": spec.max_load})
    return person


def _entry_problems(spec: SupervisorSpec) -> list[Problem]:
    problems = []
    for value, field, limit, label in (
        (spec.name, "name", MAX_NAME, "姓名"),
        (spec.affiliation, "affiliation", MAX_AFFILIATION, "工作单位"),
    ):
        if not value.strip() or len(value.strip()) > limit:
            problems.append(_invalid(f"{label}不能为空，最多 {limit} 个字。", field))
    for optional, field, limit in (
        (spec.title or "", "title", MAX_TITLE),
        (spec.contact_phone, "contactPhone", MAX_PHONE),
    ):
        if len(optional.strip()) > limit:
            problems.append(_invalid(f"最多 {limit} 个字。", field))
    if not spec.expertise:
        problems.append(_invalid("至少选择一个专长领域。", "expertise"))
    low, high = MAX_LOAD_RANGE
    if not low <= spec.max_load <= high:
        problems.append(_invalid(f"最多督导项目数必须在 {low} 到 {high} 之间。", "maxLoad"))
    return problems


def _invalid(message: str, field: str) -> Problem:
    return Problem(ErrorCode.INVALID_INPUT, message, ["input", field])


async def _organization_problems(spec: SupervisorSpec) -> list[Problem]:
    """A named affiliated organization must be one of the pool."""
    if not spec.names_organization:
        return []
    organization_id = spec.affiliated_organization_id
    if organization_id is not None and await Organization.filter(id=organization_id).exists():
        return []
    return [
        Problem(
            ErrorCode.NOT_FOUND,
            "所属社会组织不在资源库中。No such organization.",
            ["input", "affiliatedOrganization"],
        )
    ]
