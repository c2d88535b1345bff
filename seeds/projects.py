"""Generated projects: the demand side of a seeded fair."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TypeVar

from api.catalog.models import ServiceClass
from api.money import CENT
from api.places.models import PublisherKind
from api.projects.models import Procurement, ProjectType
from seeds import texts
from seeds.catalog import CatalogItemData, purchasable
from seeds.nanjing import (
    CITY_DEPARTMENTS,
    CITY_SEAT_CODE,
    DISTRICT_DEPARTMENTS,
    DISTRICTS,
    DistrictData,
    department_name,
)

# Rough shares seen at the fair: elderly and children's services dominate.
CLASS_WEIGHTS: dict[ServiceClass, int] = {
    ServiceClass.ELDERLY: 28,
    ServiceClass.CHILDREN: 22,
    ServiceClass.DISABILITY: 12,
    ServiceClass.HARDSHIP: 14,
    ServiceClass.PARTICIPATION: 12,
    ServiceClass.MEDIATION: 12,
}
PUBLISHER_WEIGHTS: dict[PublisherKind, int] = {
    PublisherKind.COMMUNITY: 55,
    PublisherKind.STREET: 25,
    PublisherKind.DISTRICT_DEPARTMENT: 15,
    PublisherKind.CITY_DEPARTMENT: 5,
}
K = TypeVar("K")

THRESHOLD = Decimal("100000")  # from here on a project needs 2 full-time social workers
KEY_SUPPORT_SHARE = 0.15
VENTURE_SHARE = 0.2


@dataclass(frozen=True)
class ProjectSeed:
    code: str
    title: str
    description: str
    service_class: ServiceClass
    catalog_code: str
    project_type: ProjectType
    procurement: Procurement
    budget: Decimal
    city_funding: Decimal
    district_funding: Decimal
    min_social_workers: int
    key_support: bool
    service_period_months: int
    beneficiaries: str
    beneficiary_count: int
    qualifications: str
    community_opinion: str
    publisher_district_code: str  # with publisher_name, the publisher's natural key
    publisher_name: str
    publisher_kind: PublisherKind
    district_code: str
    community: str | None


@dataclass(frozen=True)
class _Place:
    """Who publishes a project and where it is delivered."""

    publisher_district_code: str
    publisher_name: str
    kind: PublisherKind
    district: DistrictData
    street: str | None
    community: str | None

    @property
    def label(self) -> str:
        # The most local name, used in titles: 蓝旗新村社区 / 大光路街道 / 秦淮区.
        return self.community or self.street or self.district.name


def weighted(rng: random.Random, weights: dict[K, int]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@cache
def district_weights() -> dict[DistrictData, int]:
    # Busier districts have more communities and so publish more.
    return {d: sum(len(c) for c in d.streets.values()) for d in DISTRICTS}


def _street_and_community(rng: random.Random, district: DistrictData) -> tuple[str, str]:
    street = rng.choice(list(district.streets))
    return street, rng.choice(district.streets[street])


def _place(rng: random.Random, kind: PublisherKind, service_class: ServiceClass) -> _Place:
    district = weighted(rng, district_weights())
    street, community = _street_and_community(rng, district)
    if kind is PublisherKind.COMMUNITY:
        return _Place(district.code, community, kind, district, street, community)
    if kind is PublisherKind.STREET:
        local = community if rng.random() < 0.75 else None
        return _Place(district.code, street, kind, district, street, local)
    local = community if rng.random() < 0.5 else None
    if kind is PublisherKind.DISTRICT_DEPARTMENT:
        names = [d for d, cs in DISTRICT_DEPARTMENTS.items() if service_class in cs]
        name = department_name(district, rng.choice(names))
        return _Place(district.code, name, kind, district, None, local)
    # City departments sit in the seat district but buy services all over the city.
    names = [d for d, cs in CITY_DEPARTMENTS.items() if service_class in cs]
    return _Place(CITY_SEAT_CODE, rng.choice(names), kind, district, None, local)


def _budget(rng: random.Random, key_support: bool, venture: bool) -> Decimal:
    if key_support:
        low, high = 150_000, 600_000
    else:
        low, high = rng.choices(
            ((30_000, 80_000), (80_000, 150_000), (150_000, 300_000)), weights=(55, 30, 15)
        )[0]
    yuan = rng.randrange(low, high + 1)
    roll = rng.random()
    # Budgets are mostly whole hundreds; venture projects always are, so halves are exact.
    if venture or roll < 0.85:
        return Decimal(yuan // 100 * 100).quantize(CENT)
    if roll < 0.95:
        return Decimal(yuan // 1000 * 1000).quantize(CENT)
    return Decimal(f"{yuan}.{rng.choice((10, 20, 50, 80))}")


def _funding(
    rng: random.Random, budget: Decimal, kind: PublisherKind, venture: bool
) -> tuple[Decimal, Decimal]:
    """City and district shares of ``budget``; they always add up to it exactly."""
    zero = Decimal("0.00")
    if venture:
        half = (budget / 2).quantize(CENT)
        return half, budget - half
    if kind is PublisherKind.CITY_DEPARTMENT:
        return budget, zero
    if rng.random() < 0.6:
        return zero, budget
    city = (budget * Decimal(rng.choice(("0.2", "0.3", "0.4"))) / 100).quantize(Decimal(1)) * 100
    city = city.quantize(CENT)
    return city, budget - city


def _procurement(rng: random.Random, budget: Decimal) -> Procurement:
    # Larger projects go to competitive review more often; overall about 40%.
    if budget >= Decimal("200000"):
        chance = 0.8
    elif budget >= THRESHOLD:
        chance = 0.5
    else:
        chance = 0.25
    return Procurement.COMPETITIVE if rng.random() < chance else Procurement.DIRECT


def _project_type(rng: random.Random, service_class: ServiceClass) -> ProjectType:
    if service_class is ServiceClass.PARTICIPATION:
        weights = (30, 10, 60)
    elif service_class is ServiceClass.MEDIATION:
        weights = (20, 50, 30)
    else:
        weights = (55, 40, 5)
    kinds = (ProjectType.PUBLIC_WELFARE, ProjectType.PUBLIC_SERVICE, ProjectType.SELF_GOVERNANCE)
    return rng.choices(kinds, weights=weights)[0]


def _min_social_workers(rng: random.Random, budget: Decimal) -> int:
    if budget >= THRESHOLD:
        return 2 if rng.random() < 0.7 else 3
    return 0 if rng.random() < 0.4 else 1


def make_project(
    rng: random.Random, code: str, place: _Place, item: CatalogItemData
) -> ProjectSeed:
    service_class = item.service_class
    key_support = rng.random() < KEY_SUPPORT_SHARE
    # Venture philanthropy (公益创投) needs both city and district money: not city-only.
    venture = place.kind is not PublisherKind.CITY_DEPARTMENT and rng.random() < VENTURE_SHARE
    budget = _budget(rng, key_support, venture)
    city, district = _funding(rng, budget, place.kind, venture)
    workers = _min_social_workers(rng, budget)
    who, count = texts.beneficiaries(rng, service_class)
    return ProjectSeed(
        code=code,
        title=texts.project_title(rng, place.label, item.name, service_class),
        description=texts.project_description(rng, place.label, item.name, service_class, venture),
        service_class=service_class,
        catalog_code=item.code,
        project_type=_project_type(rng, service_class),
        procurement=_procurement(rng, budget),
        budget=budget,
        city_funding=city,
        district_funding=district,
        min_social_workers=workers,
        key_support=key_support,
        service_period_months=rng.choices((12, 6, 24), weights=(80, 12, 8))[0],
        beneficiaries=who,
        beneficiary_count=count,
        qualifications=texts.qualifications(rng, workers, key_support),
        community_opinion=texts.community_opinion(rng, place.community, place.street),
        publisher_district_code=place.publisher_district_code,
        publisher_name=place.publisher_name,
        publisher_kind=place.kind,
        district_code=place.district.code,
        community=place.community,
    )


def make_projects(rng: random.Random, count: int, year: int) -> list[ProjectSeed]:
    """``count`` projects with codes ``{year}-{district}-{serial}`` unique within the fair."""
    items = {service_class: purchasable(service_class) for service_class in ServiceClass}
    serials: dict[str, int] = {}
    projects = []
    for _ in range(count):
        service_class = weighted(rng, CLASS_WEIGHTS)
        kind = weighted(rng, PUBLISHER_WEIGHTS)
        place = _place(rng, kind, service_class)
        serial = serials[place.district.abbr] = serials.get(place.district.abbr, 0) + 1
        code = f"{year}-{place.district.abbr}-{serial:04d}"
        projects.append(make_project(rng, code, place, rng.choice(items[service_class])))
    return projects
