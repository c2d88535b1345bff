"""Publishing a list of projects on a fair: every row checked, then all written or none.

A publisher brings its whole list at once (a street office may bring hundreds of rows from
a spreadsheet). Every bad row is reported with its index and field so the list can be
fixed in one pass; one bad row and nothing is written. Rows are inserted in bulk so a
city's list of a few thousand projects publishes in seconds.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.catalog.models import SERVICE_CLASS_NAMES, CatalogItem, ServiceClass
from api.db import fitting
from api.errors import DomainError, ErrorCode, Notice, Problem
from api.fairs.models import Fair
from api.money import MoneyError, to_money
from api.places.models import District, Publisher, PublisherKind
from api.projects.models import Procurement, Project, ProjectStatus, ProjectType
from api.projects.staffing import raised, required_social_workers

MAX_PROJECTS = 5_000
SERVICE_PERIOD_MONTHS = (1, 36)
# The largest count a row can hold (32-bit columns, as GraphQL's Int).
MAX_COUNT = 2**31 - 1
# Publishers bound to one district; departments may publish for any district.
LOCAL_PUBLISHERS = (PublisherKind.COMMUNITY, PublisherKind.STREET)
# Rows per INSERT and per IN (...) list: well under both engines' limits on parameters.
CHUNK = 500
# The free text of a row: input field → (attribute, label, maximum length, required).
# The shorter limits are column sizes.
TEXT_FIELDS: dict[str, tuple[str, str, int, bool]] = {
    "code": ("code", "项目编号", 32, True),
    "title": ("title", "项目名称", 128, True),
    "description": ("description", "项目简介", 5_000, True),
    "beneficiaries": ("beneficiaries", "服务对象", 500, True),
    "communityOpinion": ("community_opinion", "实施地社区/街道意见", 2_000, True),
    "community": ("community", "实施社区", 64, False),
    "qualifications": ("qualifications", "资质要求", 2_000, False),
}

EMPTY_CATALOG_ITEM = (
    "目录编码不能为空：请填写政府购买服务目录中服务项目的编码，其类别须与服务类别一致。"
)

T = TypeVar("T")


@dataclass(frozen=True)
class ProjectDraft:
    """One row of a list to publish; an id of ``None`` names nothing that exists."""

    code: str
    title: str
    description: str
    service_class: ServiceClass
    project_type: ProjectType
    procurement: Procurement
    budget: Decimal
    service_period_months: int
    beneficiaries: str
    publisher_id: int | None
    district_id: int | None
    catalog_item: str
    min_social_workers: int | None = None
    key_support: bool = False
    community: str | None = None
    # The opinion of the community / street where the project is delivered: the city
    # publishes no project without it.
    community_opinion: str | None = None
    city_funding: Decimal | None = None
    district_funding: Decimal | None = None
    beneficiary_count: int | None = None
    qualifications: str = ""

    def text(self, field: str) -> str:
        """The trimmed text of an input field of ``TEXT_FIELDS``."""
        return str(getattr(self, TEXT_FIELDS[field][0]) or "").strip()


@dataclass(frozen=True)
class Known:
    """What the rows refer to, looked up once for the whole list."""

    publishers: dict[int, tuple[PublisherKind, int]]  # id → (kind, district id)
    districts: set[int]
    items: dict[str, tuple[int, ServiceClass, bool]]  # code → (id, class, negative list)
    taken_codes: set[str]


async def publish_projects(
    actor: Account | None,
    fair_id: int | None,
    drafts: Sequence[ProjectDraft],
    *,
    dry_run: bool = False,
) -> list[Project]:
    """Publish every draft on the fair, or none; returns the projects in the list's order.

    With ``dry_run`` every check runs and nothing is written: no problem, an empty list.
    """
    actor = require(actor, Role.ORGANIZER, Role.PUBLISHER)
    _check_size(drafts)
    now = datetime.now(UTC)
    problems = await _fair_problems(fair_id, now)
    known = await _look_up(fair_id, drafts)
    problems += _list_problems(actor, drafts, known)
    if problems:
        raise DomainError(problems)
    if dry_run:
        return []
    assert fair_id is not None
    try:
        async with in_transaction():
            await _lock_open_fair(fair_id)
            projects = await _insert(fair_id, drafts, known, now)
            total = sum((p.budget for p in projects), Decimal("0.00"))
            detail = {"fair": fair_id, "count": len(projects), "budget": str(total)}
            subjects: list[Model] = list(projects)
            await record(actor, "publishProjects", subjects, detail)
    except IntegrityError as exc:
        # A concurrent publication took some of the codes since they were checked.
        taken = await _taken_codes(fair_id, [d.code.strip() for d in drafts])
        clashes = [_taken(i) for i, d in enumerate(drafts) if d.code.strip() in taken]
        if clashes:
            raise DomainError(clashes) from exc
        raise
    return projects


def _check_size(drafts: Sequence[ProjectDraft]) -> None:
    if not drafts:
        raise DomainError.one(ErrorCode.INVALID_INPUT, "项目清单为空。No projects.", ["projects"])
    if len(drafts) > MAX_PROJECTS:
        raise DomainError.one(
            ErrorCode.INVALID_INPUT,
            f"一次最多发布 {MAX_PROJECTS} 个项目，本次 {len(drafts)} 个，请分批发布。"
            f" At most {MAX_PROJECTS} projects per call.",
            ["projects"],
        )


async def _fair_problems(fair_id: int | None, now: datetime) -> list[Problem]:
    fair = await Fair.get_or_none(id=fair_id) if fair_id is not None else None
    if fair is None:
        return [Problem(ErrorCode.NOT_FOUND, "该届社洽会不存在。No such fair.", ["fair"])]
    if fair.closes_at <= now:
        return [_closed(fair)]
    return []


def _closed(fair: Fair) -> Problem:
    return Problem(
        ErrorCode.FAIR_CLOSED,
        f"{fair.name}已经截止，不能再发布项目。The fair is closed.",
        ["fair"],
    )


async def _lock_open_fair(fair_id: int) -> None:
    """Hold the fair's row, and refuse if it was ended since the checks."""
    fair = await Fair.filter(id=fair_id).select_for_update().get()
    if fair.closes_at <= datetime.now(UTC):
        raise DomainError([_closed(fair)])


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


async def _taken_codes(fair_id: int | None, codes: list[str]) -> set[str]:
    if fair_id is None:
        return set()
    taken: set[str] = set()
    unique = sorted(set(fitting(Project, "code", codes)))
    for chunk in _chunks(unique):
        found = await Project.filter(fair_id=fair_id, code__in=chunk).values_list("code", flat=True)
        taken.update(str(c) for c in found)
    return taken


async def _look_up(fair_id: int | None, drafts: Sequence[ProjectDraft]) -> Known:
    publisher_ids = {d.publisher_id for d in drafts if d.publisher_id is not None}
    district_ids = {d.district_id for d in drafts if d.district_id is not None}
    item_codes = sorted(set(fitting(CatalogItem, "code", (d.catalog_item.strip() for d in drafts))))
    publishers: dict[int, tuple[PublisherKind, int]] = {}
    if publisher_ids:
        named = await Publisher.filter(id__in=publisher_ids).values_list(
            "id", "kind", "district_id"
        )
        publishers.update({pk: (PublisherKind(kind), district) for pk, kind, district in named})
    districts: set[int] = set()
    if district_ids:
        found = await District.filter(id__in=district_ids).values_list("id")
        districts.update(pk for (pk,) in found)
    items: dict[str, tuple[int, ServiceClass, bool]] = {}
    for chunk in _chunks(item_codes):
        rows = await CatalogItem.filter(code__in=chunk).values_list(
            "id", "code", "service_class", "negative_list"
        )
        items.update({code: (pk, ServiceClass(cls), neg) for pk, code, cls, neg in rows})
    taken = await _taken_codes(fair_id, [d.code.strip() for d in drafts])
    return Known(publishers, districts, items, taken)


def _list_problems(actor: Account, drafts: Sequence[ProjectDraft], known: Known) -> list[Problem]:
    """Every problem of every row, in the list's order."""
    first_row: dict[str, int] = {}
    problems = []
    for i, draft in enumerate(drafts):
        row = _RowCheck(i, draft, known)
        row.text()
        row.code(first_row.setdefault(draft.code.strip(), i))
        row.numbers()
        row.funding()
        row.publisher_and_district(actor)
        row.catalog_item()
        problems += row.problems
    return problems


def _taken(i: int) -> Problem:
    return Problem(
        ErrorCode.INVALID_INPUT,
        "本届已有相同编号的项目。A project with this code is already published on this fair.",
        ["projects", str(i), "code"],
    )


class _RowCheck:
    """The checks of one row; each appends what it finds to ``problems``."""

    def __init__(self, index: int, draft: ProjectDraft, known: Known) -> None:
        self.index = index
        self.draft = draft
        self.known = known
        self.problems: list[Problem] = []

    def add(self, code: ErrorCode, field: str, message: str) -> None:
        self.problems.append(Problem(code, message, ["projects", str(self.index), field]))

    def invalid(self, field: str, message: str) -> None:
        self.add(ErrorCode.INVALID_INPUT, field, message)

    def text(self) -> None:
        for field, (_, label, limit, required) in TEXT_FIELDS.items():
            value = self.draft.text(field)
            if required and not value:
                self.invalid(field, f"{label}不能为空。")
            elif len(value) > limit:
                self.invalid(field, f"{label}最多 {limit} 个字，现有 {len(value)} 个字。")

    def code(self, first_row: int) -> None:
        """Unique within the list (later copies are reported) and within the fair."""
        code = self.draft.text("code")
        if not code:
            return
        if first_row != self.index:
            # Rows are counted from 1 for people; the field path keeps the 0-based index.
            row = first_row + 1
            self.invalid("code", f"项目编号“{code}”与第 {row} 行重复。Duplicates row {row}.")
        elif code in self.known.taken_codes:
            self.problems.append(_taken(self.index))

    def numbers(self) -> None:
        draft = self.draft
        budget = self.money("budget", draft.budget)
        if budget is not None and budget <= 0:
            self.invalid("budget", "预算必须大于 0 元。")
        low, high = SERVICE_PERIOD_MONTHS
        if not low <= draft.service_period_months <= high:
            self.invalid("servicePeriodMonths", f"服务周期必须在 {low} 到 {high} 个月之间。")
        if draft.min_social_workers is not None and draft.min_social_workers < 0:
            self.invalid("minSocialWorkers", "所需社工人数不能为负数。")
        if draft.beneficiary_count is not None and draft.beneficiary_count <= 0:
            self.invalid("beneficiaryCount", "受益人数必须大于 0。")
        self.countable("minSocialWorkers", "所需社工人数", draft.min_social_workers)
        self.countable("beneficiaryCount", "受益人数", draft.beneficiary_count)

    def countable(self, field: str, label: str, value: int | None) -> None:
        # GraphQL's Int stops at MAX_COUNT, a spreadsheet cell does not; the column would
        # refuse the row at insert time.
        if value is not None and value > MAX_COUNT:
            self.invalid(field, f"{label}过大：最多 {MAX_COUNT}。")

    def money(self, field: str, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        try:
            return to_money(value)
        except MoneyError as exc:
            self.invalid(field, f"{exc}。")
            return None

    def funding(self) -> None:
        """A funding split, when given, names both parts and adds up to the budget exactly."""
        draft = self.draft
        if draft.city_funding is None and draft.district_funding is None:
            return
        parts = {"cityFunding": draft.city_funding, "districtFunding": draft.district_funding}
        amounts = {}
        for field, value in parts.items():
            if value is None:
                self.invalid(field, "资金来源须同时填写市级资金和区级资金。")
                continue
            amount = self.money(field, value)
            if amount is not None and amount < 0:
                self.invalid(field, "资金金额不能为负数。")
            elif amount is not None:
                amounts[field] = amount
        if len(amounts) == len(parts) and sum(amounts.values()) != draft.budget:
            self.invalid(
                "cityFunding",
                f"市级资金与区级资金之和（{sum(amounts.values())} 元）必须等于预算"
                f"（{draft.budget} 元）。",
            )

    def publisher_and_district(self, actor: Account) -> None:
        """Own publisher for publisher accounts; a community or street stays in its district."""
        draft = self.draft
        publisher = self.known.publishers.get(draft.publisher_id or 0)
        if actor.role is Role.PUBLISHER and draft.publisher_id != actor.publisher_id:
            publisher = None  # whether another publisher exists is none of its business
            self.add(
                ErrorCode.FORBIDDEN,
                "publisher",
                "发布单位账号只能发布本单位的项目。A publisher publishes only its own projects.",
            )
        elif publisher is None:
            self.add(ErrorCode.NOT_FOUND, "publisher", "发布单位不存在。No such publisher.")
        bound_to = publisher[1] if publisher and publisher[0] in LOCAL_PUBLISHERS else None
        if draft.district_id not in self.known.districts:
            self.add(ErrorCode.NOT_FOUND, "district", "实施地所在区不存在。No such district.")
        elif bound_to is not None and bound_to != draft.district_id:
            self.invalid(
                "district",
                "社区和街道只能发布本区内实施的项目：实施地所在区与发布单位所在区不一致。",
            )

    def catalog_item(self) -> None:
        code = self.draft.catalog_item.strip()
        found = self.known.items.get(code)
        if not code:
            self.invalid("catalogItem", EMPTY_CATALOG_ITEM)
            return
        if found is None:
            self.add(
                ErrorCode.NOT_FOUND,
                "catalogItem",
                f"政府购买服务目录中没有编码为“{code}”的服务项目。No such catalogue item.",
            )
            return
        _, service_class, negative = found
        if negative:
            self.invalid(
                "catalogItem",
                f"服务项目“{code}”在负面清单上，不得作为政府购买服务项目发布。"
                " The item is on the negative list.",
            )
        elif service_class != self.draft.service_class:
            self.invalid(
                "catalogItem",
                f"服务项目“{code}”属于{SERVICE_CLASS_NAMES[service_class]}，与项目的服务类别"
                f"“{SERVICE_CLASS_NAMES[self.draft.service_class]}”不一致。",
            )


def corrections(drafts: Sequence[ProjectDraft]) -> list[Notice]:
    """What publishing sets on its own, by the city's rules, that differs from the list."""
    found = (raised(i, d.budget, d.min_social_workers) for i, d in enumerate(drafts))
    return [n for n in found if n is not None]


def _row(fair_id: int, draft: ProjectDraft, known: Known, now: datetime) -> Project:
    return Project(
        fair_id=fair_id,
        code=draft.code.strip(),
        title=draft.title.strip(),
        description=draft.description.strip(),
        service_class=draft.service_class,
        catalog_item_id=known.items[draft.catalog_item.strip()][0],
        project_type=draft.project_type,
        procurement=draft.procurement,
        status=ProjectStatus.PUBLISHED,
        budget=draft.budget,
        city_funding=draft.city_funding,
        district_funding=draft.district_funding,
        min_social_workers=required_social_workers(draft.budget, draft.min_social_workers),
        key_support=draft.key_support,
        service_period_months=draft.service_period_months,
        beneficiaries=draft.beneficiaries.strip(),
        beneficiary_count=draft.beneficiary_count,
        qualifications=draft.qualifications.strip(),
        community_opinion=draft.text("communityOpinion"),
        publisher_id=draft.publisher_id,
        district_id=draft.district_id,
        community=draft.text("community") or None,
        published_at=now,
        created_at=now,
        updated_at=now,
    )


async def _insert(
    fair_id: int, drafts: Sequence[ProjectDraft], known: Known, now: datetime
) -> list[Project]:
    """Bulk insert, then read the rows back (bulk inserts do not return their ids)."""
    rows = [_row(fair_id, d, known, now) for d in drafts]
    await Project.bulk_create(rows, batch_size=CHUNK)
    codes = [r.code for r in rows]
    by_code: dict[str, Project] = {}
    for chunk in _chunks(codes):
        by_code.update({p.code: p for p in await Project.filter(fair_id=fair_id, code__in=chunk)})
    return [by_code[c] for c in codes]
