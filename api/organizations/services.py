"""Registering social organizations into the resource pool (社会组织服务资源库).

Only social organizations take part in the fair, so only credit codes issued by the civil
affairs authority (first character 5) are accepted. A registered organization goes into
the matching index at once, so the hall can recommend it from its first minute.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.catalog.models import ServiceClass
from api.errors import DomainError, ErrorCode, Problem
from api.matching import index
from api.organizations.creditcode import CreditCodeError, validate_credit_code
from api.organizations.models import Organization, OrganizationServiceClass, RegistrationKind
from api.places.checks import missing_districts
from api.places.models import District

GRADES = ("3A", "4A", "5A")
# GB 32100-2015: the first character names the registering authority, 5 = civil affairs;
# the second its kind of body: 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他.
CIVIL_AFFAIRS = "5"
CIVIL_AFFAIRS_KINDS = "1239"
MAX_NAME = 128
MAX_CONTACT = 32
MAX_INTRODUCTION = 2000
MAX_SOCIAL_WORKERS = 10_000


@dataclass(frozen=True)
class OrganizationSpec:
    """An organization as entered; a district id of ``None`` names no district."""

    name: str
    credit_code: str
    service_classes: list[ServiceClass]
    district_ids: list[int | None]
    social_workers: int
    grade: str | None = None
    registration_kind: RegistrationKind = RegistrationKind.REGISTERED
    contact_name: str = ""
    contact_phone: str = ""
    introduction: str = ""


async def register_organization(actor: Account | None, spec: OrganizationSpec) -> Organization:
    """Add an organization to the pool, with its service classes and districts."""
    require(actor, Role.ORGANIZER)
    problems, code = _code_problems(spec.credit_code)
    problems += _entry_problems(spec)
    problems += await missing_districts(spec.district_ids)
    if code is not None:
        problems += await _registered(code)
    if problems:
        raise DomainError(problems)
    assert code is not None
    try:
        async with in_transaction():
            organization = await _insert(spec, code)
            await index.rebuild([organization.id])
            await record(actor, "registerOrganization", [organization], {"creditCode": code})
    except IntegrityError as exc:
        # A concurrent registration of the same code won the unique index.
        if await Organization.filter(credit_code=code).exists():
            raise DomainError([_duplicate(code)]) from exc
        raise
    return organization


async def _insert(spec: OrganizationSpec, code: str) -> Organization:
    organization = await Organization.create(
        name=spec.name.strip(),
        credit_code=code,
        registration_kind=spec.registration_kind,
        social_workers=spec.social_workers,
        grade=_grade(spec.grade),
        contact_name=spec.contact_name.strip(),
        contact_phone=spec.contact_phone.strip(),
        introduction=spec.introduction.strip(),
    )
    await OrganizationServiceClass.bulk_create(
        [
            OrganizationServiceClass(organization_id=organization.id, service_class=c)
            for c in dict.fromkeys(spec.service_classes)
        ]
    )
    district_ids = list(dict.fromkeys(i for i in spec.district_ids if i is not None))
    if district_ids:
        await organization.districts.add(*await District.filter(id__in=district_ids))
    return organization


async def _registered(code: str) -> list[Problem]:
    """The code is in the pool already."""
    return [_duplicate(code)] if await Organization.filter(credit_code=code).exists() else []


def _duplicate(code: str) -> Problem:
    return Problem(
        ErrorCode.INVALID_INPUT,
        f"统一社会信用代码 {code} 已登记在资源库中。Already registered.",
        ["input", "creditCode"],
    )


def _code_problems(raw: str) -> tuple[list[Problem], str | None]:
    """The normalised credit code, or why it is refused."""
    at = ["input", "creditCode"]
    try:
        code = validate_credit_code(raw)
    except CreditCodeError as exc:
        return [Problem(ErrorCode.INVALID_INPUT, f"{exc}。", at)], None
    if code[0] != CIVIL_AFFAIRS or code[1] not in CIVIL_AFFAIRS_KINDS:
        message = (
            f"统一社会信用代码 {code} 不是社会组织的代码：社会组织的代码由民政部门赋予，"
            "以“5”开头，第2位为 1（社会团体）、2（民办非企业单位）、3（基金会）或 9（其他）。"
            " Only social organizations (codes starting with 5) may register."
        )
        return [Problem(ErrorCode.INVALID_INPUT, message, at)], None
    return [], code


def _grade(grade: str | None) -> str | None:
    cleaned = (grade or "").strip().upper()
    return cleaned or None


def _entry_problems(spec: OrganizationSpec) -> list[Problem]:
    problems = []
    name = spec.name.strip()
    if not name or len(name) > MAX_NAME:
        problems.append(_invalid(f"名称不能为空，最多 {MAX_NAME} 个字。", "name"))
    if not spec.service_classes:
        problems.append(_invalid("至少选择一个服务领域。", "serviceClasses"))
    if not 0 <= spec.social_workers <= MAX_SOCIAL_WORKERS:
        problems.append(
            _invalid(f"持证专职社工人数必须在 0 到 {MAX_SOCIAL_WORKERS} 之间。", "socialWorkers")
        )
    if _grade(spec.grade) not in (None, *GRADES):
        problems.append(_invalid("评估等级只能是 3A、4A、5A 或不填。", "grade"))
    for value, input_field, limit in (
        (spec.contact_name, "contactName", MAX_CONTACT),
        (spec.contact_phone, "contactPhone", MAX_CONTACT),
        (spec.introduction, "introduction", MAX_INTRODUCTION),
    ):
        if len(value.strip()) > limit:
            problems.append(_invalid(f"最多 {limit} 个字。", input_field))
    return problems


def _invalid(message: str, input_field: str) -> Problem:
    return Problem(ErrorCode.INVALID_INPUT, message, ["input", input_field])
