"""Small builders that insert rows straight through the models, for tests of the read side.

Every call gets fresh names, codes and fair editions, so tests sharing the session's
database never collide; a test isolates its data by filtering on its own fair or
district. Organizations are put into the matching index as they are created (pass
``index=False`` and call ``index_organizations`` once to do many at a time).
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from api.bidding.models import Award, Bid, BidStatus, ReviewScore
from api.catalog.models import CatalogItem, ServiceClass
from api.contracts.models import Contract, Payment, PaymentStatus
from api.fairs.models import DEFAULT_CRITERIA, DEFAULT_EVALUATION_COMPONENTS, Fair
from api.matching import index
from api.organizations.creditcode import make_credit_code
from api.organizations.models import (
    CreditEntry,
    CreditKind,
    Organization,
    OrganizationServiceClass,
)
from api.places.models import District, Publisher, PublisherKind
from api.projects.models import Procurement, Project, ProjectStatus, ProjectType
from api.supervisors.models import Supervisor, SupervisorExpertise

# A per-run tag and bases: rows of this run never meet rows left by another.
RUN = f"{random.randrange(16**4):04x}"
_EDITION_BASE = 100_000 + random.randrange(10_000) * 1_000
_SERIAL_BASE = random.randrange(10**8)
_sequence = itertools.count(1)

# Positions 3–8 of a credit code: Nanjing, Xuanwu district.
DIVISION = "320102"


def next_number() -> int:
    """A number never handed out before in this run."""
    return next(_sequence)


def now() -> datetime:
    return datetime.now(UTC)


def credit_code(n: int | None = None) -> str:
    """A valid unified social credit code of a registered social organization (51…)."""
    serial = f"{(_SERIAL_BASE + (n if n is not None else next_number())) % 10**9:09d}"
    return make_credit_code("51" + DIVISION + serial)


async def district(name: str | None = None) -> District:
    n = next_number()
    return await District.create(
        code=f"T{RUN}{n:06d}", name=name or f"测试{n}区{RUN}", sort=1_000 + n
    )


async def publisher(
    in_district: District | None = None, kind: PublisherKind = PublisherKind.COMMUNITY
) -> Publisher:
    n = next_number()
    return await Publisher.create(
        name=f"测试{n}社区居委会",
        kind=kind,
        district=in_district or await district(),
    )


async def catalog_item(
    service_class: ServiceClass = ServiceClass.ELDERLY, negative_list: bool = False
) -> CatalogItem:
    n = next_number()
    return await CatalogItem.create(
        code=f"T{RUN}{n:06d}",
        name=f"测试服务项目{n}",
        service_class=service_class,
        negative_list=negative_list,
    )


async def fair(
    *,
    closed: bool = False,
    opened: timedelta = timedelta(days=1),
    name: str | None = None,
) -> Fair:
    """An edition open now (opened ``opened`` ago, closing in a month) or one long closed."""
    n = next_number()
    current = now()
    if closed:
        opens_at, closes_at = current - timedelta(days=400), current - timedelta(days=300)
    else:
        opens_at, closes_at = current - opened, current + timedelta(days=30)
    return await Fair.create(
        edition=_EDITION_BASE + n,
        name=name or f"第{n}届测试社洽会",
        opens_at=opens_at,
        closes_at=closes_at,
        criteria=[dict(c) for c in DEFAULT_CRITERIA],
        evaluation_components=[dict(c) for c in DEFAULT_EVALUATION_COMPONENTS],
    )


async def project(
    in_fair: Fair,
    *,
    title: str | None = None,
    description: str = "为社区居民提供专业社会工作服务。",
    service_class: ServiceClass = ServiceClass.ELDERLY,
    in_district: District | None = None,
    by_publisher: Publisher | None = None,
    item: CatalogItem | None = None,
    budget: str | Decimal = "100000.00",
    status: ProjectStatus = ProjectStatus.PUBLISHED,
    procurement: Procurement = Procurement.DIRECT,
    project_type: ProjectType = ProjectType.PUBLIC_WELFARE,
    min_social_workers: int = 0,
    key_support: bool = False,
) -> Project:
    """A project of ``in_fair``; publisher and catalogue item are made when not given."""
    n = next_number()
    if by_publisher is None:
        by_publisher = await publisher(in_district)
    if in_district is None:
        in_district = await District.get(id=by_publisher.district_id)
    return await Project.create(
        fair=in_fair,
        code=f"XM{RUN}-{n:06d}",
        title=title or f"测试项目{n}",
        description=description,
        service_class=service_class,
        catalog_item=item or await catalog_item(service_class),
        project_type=project_type,
        procurement=procurement,
        status=status,
        budget=Decimal(budget),
        min_social_workers=min_social_workers,
        key_support=key_support,
        beneficiaries="社区居民约200人",
        publisher=by_publisher,
        district=in_district,
        community=f"测试{n}社区",
        published_at=None if status is ProjectStatus.DRAFT else now(),
    )


async def organization(
    *,
    name: str | None = None,
    service_classes: tuple[ServiceClass, ...] = (ServiceClass.ELDERLY,),
    districts: tuple[District, ...] = (),
    social_workers: int = 3,
    grade: str | None = None,
    introduction: str = "专业社会工作服务机构。",
    contact_phone: str = "025-80000000",
    restricted_until: datetime | None = None,
    evaluations_passed: int = 0,
    index: bool = True,
) -> Organization:
    """An organization with its service classes, districts and passed evaluations."""
    n = next_number()
    org = await Organization.create(
        name=name or f"测试{n}社会工作服务中心",
        credit_code=credit_code(n),
        social_workers=social_workers,
        grade=grade,
        introduction=introduction,
        contact_name="张联系人",
        contact_phone=contact_phone,
        restricted_until=restricted_until,
    )
    await OrganizationServiceClass.bulk_create(
        [OrganizationServiceClass(organization=org, service_class=c) for c in service_classes]
    )
    if districts:
        await org.districts.add(*districts)
    for i in range(evaluations_passed):
        await CreditEntry.create(
            organization=org,
            at=now() - timedelta(days=30 * (i + 1)),
            kind=CreditKind.EVALUATION_PASSED,
            note="末期评估通过",
        )
    if index:
        await index_organizations([org.id])
    return org


async def elite_organization(**kwargs: Any) -> Organization:
    """An organization with the best possible quality: 5A, 10 social workers, good credit."""
    values: dict[str, Any] = {"grade": "5A", "social_workers": 10, "evaluations_passed": 5}
    values.update(kwargs)
    return await organization(**values)


async def index_organizations(ids: list[int]) -> None:
    """Put organizations (again) into the matching index, as the services do."""
    await index.rebuild(ids)


async def supervisor(
    *,
    name: str | None = None,
    expertise: tuple[ServiceClass, ...] = (ServiceClass.ELDERLY,),
    districts: tuple[District, ...] = (),
    affiliation: str | None = None,
    load: int = 0,
    max_load: int = 5,
) -> Supervisor:
    n = next_number()
    person = await Supervisor.create(
        name=name or f"督导{n}",
        title="副教授",
        affiliation=affiliation or f"测试大学{n}社会学院",
        contact_phone="13800000000",
        load=load,
        max_load=max_load,
    )
    await SupervisorExpertise.bulk_create(
        [SupervisorExpertise(supervisor=person, service_class=c) for c in expertise]
    )
    if districts:
        await person.districts.add(*districts)
    return person


async def award(of_project: Project, to: Organization, amount: str | Decimal) -> Award:
    """The project awarded to ``to`` for ``amount`` (its bid and the award row)."""
    amount = Decimal(amount)
    bid = await Bid.create(
        project=of_project,
        organization=to,
        amount=amount,
        management_fee=(amount / 20).quantize(Decimal("0.01")),
        social_workers=to.social_workers,
        plan="服务方案",
        submitted_at=now(),
        status=BidStatus.AWARDED,
    )
    of_project.status = ProjectStatus.AWARDED
    await of_project.save(update_fields=["status"])
    return await Award.create(
        project=of_project, bid=bid, organization=to, amount=amount, awarded_at=now()
    )


async def bid(
    on_project: Project,
    by: Organization,
    *,
    amount: str | Decimal = "90000.00",
    submitted_at: datetime | None = None,
    status: BidStatus = BidStatus.SUBMITTED,
) -> Bid:
    """A claim or bid of ``by`` on ``on_project``, as claimProject would leave it."""
    amount = Decimal(amount)
    return await Bid.create(
        project=on_project,
        organization=by,
        amount=amount,
        management_fee=(amount / 20).quantize(Decimal("0.01")),
        social_workers=by.social_workers,
        plan="服务方案：入户走访、日间照料与志愿者培训。",
        submitted_at=submitted_at or now(),
        status=status,
        active=None if status is BidStatus.WITHDRAWN else 1,
    )


async def review(of_bid: Bid, by: Supervisor, total: float, in_fair: Fair) -> ReviewScore:
    """``by``'s sheet for ``of_bid`` giving every criterion ``total`` (so the total is it)."""
    return await ReviewScore.create(
        bid=of_bid,
        reviewer=by,
        scores={str(c["key"]): total for c in in_fair.criteria},
        total=total,
        at=now(),
    )


async def contract(
    of_project: Project,
    to: Organization,
    amount: str | Decimal = "100000.00",
    *,
    first_paid: bool = True,
) -> Contract:
    """The project awarded to ``to`` with its contract and three tranches (50/40/10).

    With ``first_paid`` tranche 1 is paid and the project IN_DELIVERY, ready for its
    mid-term evaluation; otherwise tranche 1 is due and the project AWARDED.
    """
    amount = Decimal(amount)
    await award(of_project, to, amount)
    signed = await Contract.create(
        project=of_project, organization=to, amount=amount, signed_at=now()
    )
    shares = (Decimal("0.50"), Decimal("0.40"), Decimal("0.10"))
    amounts = [(amount * s).quantize(Decimal("0.01")) for s in shares[:2]]
    amounts.append(amount - sum(amounts))
    for n, (share, part) in enumerate(zip(shares, amounts, strict=True), start=1):
        first = n == 1
        await Payment.create(
            contract=signed,
            project=of_project,
            tranche=n,
            share=share,
            amount=part,
            status=(PaymentStatus.PAID if first_paid else PaymentStatus.DUE)
            if first
            else PaymentStatus.PENDING,
            due_on=now().date() if first else None,
            paid_at=now() if first and first_paid else None,
            reference="TEST-1" if first and first_paid else None,
        )
    if first_paid:
        of_project.status = ProjectStatus.IN_DELIVERY
        await of_project.save(update_fields=["status"])
    return signed


def edition() -> int:
    """A fair edition number no fair of this run uses."""
    return _EDITION_BASE + next_number()
