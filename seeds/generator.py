"""The deterministic seed generator: fairs, projects, organizations and supervisors.

Everything is drawn from one ``random.Random`` per scale, never the global one, so the
same scale always produces the same data, and the loader can use natural keys (credit
codes, supervisors' phone numbers, project codes) to stay idempotent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from api.auth.models import Role
from api.catalog.models import ServiceClass
from api.organizations.creditcode import make_credit_code
from api.organizations.models import RegistrationKind
from seeds import texts
from seeds.nanjing import DISTRICTS, DistrictData
from seeds.projects import CLASS_WEIGHTS, ProjectSeed, district_weights, make_projects, weighted

TIMEZONE = ZoneInfo("Asia/Shanghai")
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class Scale:
    projects: int
    organizations: int
    supervisors: int


SCALES: dict[str, Scale] = {
    "demo": Scale(projects=200, organizations=300, supervisors=60),
    "city": Scale(projects=2000, organizations=12000, supervisors=600),
    "national": Scale(projects=20000, organizations=120000, supervisors=6000),
}

# Each scale numbers its pool members from its own offset, so the pools of different
# scales never share a credit code or a phone number and can live in one database.
_SERIAL_OFFSETS = {"demo": 0, "city": 100_000, "national": 300_000}


@dataclass(frozen=True)
class FairPlan:
    edition: int
    name: str
    year: int  # used in project codes; fixed so that codes do not move with the clock
    opens_in_days: int  # relative to now: negative is in the past
    open_days: int
    projects: int | None = None  # None: the scale's number of projects


_FAIR_NAME = "第{}届南京市社区暨社会公益服务项目洽谈会"
FAIRS: dict[str, tuple[FairPlan, ...]] = {
    "demo": (
        FairPlan(5, _FAIR_NAME.format("五"), 2025, -366, 30, projects=30),
        FairPlan(6, _FAIR_NAME.format("六"), 2026, -1, 31),
    ),
    "city": (FairPlan(106, _FAIR_NAME.format("六") + "（全市规模数据）", 2026, -1, 31),),
    "national": (FairPlan(206, _FAIR_NAME.format("六") + "（全国规模数据）", 2026, -1, 31),),
}


@dataclass(frozen=True)
class OrganizationSeed:
    name: str
    credit_code: str
    registration_kind: RegistrationKind
    social_workers: int
    grade: str | None
    contact_name: str
    contact_phone: str
    introduction: str
    service_classes: tuple[ServiceClass, ...]
    district_codes: tuple[str, ...]  # the home district first


@dataclass(frozen=True)
class SupervisorSeed:
    name: str
    title: str | None
    affiliation: str
    affiliated_credit_code: str | None  # a pool organization: a conflict of interest
    contact_phone: str  # unique: the loader's natural key for supervisors
    max_load: int
    expertise: tuple[ServiceClass, ...]
    district_codes: tuple[str, ...]


@dataclass(frozen=True)
class FairSeed:
    edition: int
    name: str
    opens_at: datetime
    closes_at: datetime
    projects: tuple[ProjectSeed, ...]


@dataclass(frozen=True)
class Seed:
    scale: str
    organizations: tuple[OrganizationSeed, ...]
    supervisors: tuple[SupervisorSeed, ...]
    fairs: tuple[FairSeed, ...]


@dataclass(frozen=True)
class DemoAccount:
    """A demo login. Pool members are the demo seed's first organization / supervisors."""

    username: str
    password: str
    role: Role
    description: str
    publisher: tuple[str, str] | None = None  # (district code, name)
    organization_index: int | None = None
    supervisor_index: int | None = None


DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount("organizer", "sheqia-organizer", Role.ORGANIZER, "主办方（市民政局）"),
    DemoAccount(
        "publisher", "demo-publisher-2026", Role.PUBLISHER, "发布单位：秦淮区大光路街道",
        publisher=("320104", "大光路街道"),
    ),
    DemoAccount(
        "org", "demo-org-2026", Role.ORGANIZATION,
        "社会组织：南京市秦淮区同心社会工作服务中心（4A，6名持证社工）",
        organization_index=0,
    ),
    DemoAccount(
        "reviewer", "demo-reviewer-2026", Role.REVIEWER, "评审专家（专家库成员）",
        supervisor_index=0,
    ),
    DemoAccount(
        "supervisor", "demo-supervisor-2026", Role.SUPERVISOR, "督导（专家库成员）",
        supervisor_index=1,
    ),
]

def _permute(serial: int, modulus: int) -> int:
    # A bijection on [0, modulus): serial numbers stay unique but do not look sequential.
    return (serial * 7919 + 104_729) % modulus


def _gb11714_check(body8: str) -> str:
    """The check character of a GB 11714 organization code (digits, then A=10 … Z=35)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(char, 36) * weight for char, weight in zip(body8, weights, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code(serial: int, type_code: str, division: str) -> str:
    """A social organization's code: 5, type, division, 'MJ'-organization code, check."""
    inner = f"MJ{_permute(serial, 10**6):06d}"
    return make_credit_code(f"5{type_code}{division}{inner}{_gb11714_check(inner)}")


# The organization behind the "org" demo account: enough social workers for any project.
_DEMO_ORGANIZATION = OrganizationSeed(
    name="南京市秦淮区同心社会工作服务中心",
    # A serial outside every scale's range, so no generated code can equal it.
    credit_code=credit_code(999_999, "2", "320104"),
    registration_kind=RegistrationKind.REGISTERED,
    social_workers=6,
    grade="4A",
    contact_name="陈晓雯",
    contact_phone="13951600818",
    introduction="本机构成立于2013年，参与大光路街道蓝旗新村社区服务外包改革，"
    "主要开展社区参与、为老服务和调解治理，现有持证专职社工6人。",
    service_classes=(ServiceClass.PARTICIPATION, ServiceClass.ELDERLY, ServiceClass.MEDIATION),
    district_codes=("320104", "320102"),
)


def _type_code(rng: random.Random, kind: RegistrationKind) -> str:
    if kind is RegistrationKind.FILED:
        return "9"
    return rng.choices(("2", "1", "3"), weights=(75, 20, 5))[0]


def _classes(rng: random.Random) -> tuple[ServiceClass, ...]:
    """A primary class and up to two more."""
    primary = weighted(rng, CLASS_WEIGHTS)
    others = [c for c in ServiceClass if c is not primary]
    extra = rng.choices((0, 1, 2), weights=(50, 35, 15))[0]
    return (primary, *rng.sample(others, extra))


def _districts(
    rng: random.Random, home: DistrictData, most: int, shares: tuple[int, ...]
) -> tuple[str, ...]:
    others = [d.code for d in DISTRICTS if d is not home]
    extra = rng.choices(range(most), weights=shares)[0]
    return (home.code, *rng.sample(others, extra))


def _grade_and_workers(rng: random.Random, kind: RegistrationKind) -> tuple[str | None, int]:
    if kind is RegistrationKind.FILED:
        # Filed community groups are run by volunteers and are not assessed.
        return None, 1 if rng.random() < 0.15 else 0
    grade = rng.choices((None, "3A", "4A", "5A"), weights=(50, 28, 15, 7))[0]
    workers = min(15, int(rng.expovariate(0.4)))
    if grade in ("4A", "5A"):
        workers = max(workers, 2)  # a high grade is not reached without a professional team
    return grade, workers


def make_organization(rng: random.Random, serial: int) -> OrganizationSeed:
    home = weighted(rng, district_weights())
    street = rng.choice(list(home.streets))
    kind = RegistrationKind.FILED if rng.random() < 0.3 else RegistrationKind.REGISTERED
    type_code = _type_code(rng, kind)
    classes = _classes(rng)
    grade, workers = _grade_and_workers(rng, kind)
    return OrganizationSeed(
        name=texts.organization_name(rng, home.name, street, classes[0], type_code),
        credit_code=credit_code(serial, type_code, home.code),
        registration_kind=kind,
        social_workers=workers,
        grade=grade,
        contact_name=texts.person_name(rng),
        contact_phone=texts.phone(rng),
        introduction=texts.organization_intro(rng, classes, workers),
        service_classes=classes,
        district_codes=_districts(rng, home, 3, (80, 15, 5)),
    )


def make_supervisor(
    rng: random.Random, serial: int, organizations: tuple[OrganizationSeed, ...],
    independent: bool = False,
) -> SupervisorSeed:
    home = weighted(rng, district_weights())
    community = rng.choice(rng.choice(list(home.streets.values())))
    affiliated = None
    if organizations and not independent and rng.random() < 0.1:
        affiliated = rng.choice(organizations)
        title: str | None = rng.choice(texts.TITLES_PRACTICE)
        affiliation = affiliated.name
    else:
        title, affiliation = texts.supervisor_profile(rng, community)
    expertise = rng.sample(list(ServiceClass), rng.choices((1, 2, 3), weights=(40, 40, 20))[0])
    return SupervisorSeed(
        name=texts.person_name(rng),
        title=title,
        affiliation=affiliation,
        affiliated_credit_code=affiliated.credit_code if affiliated else None,
        contact_phone=f"139{_permute(serial, 10**8):08d}",
        max_load=rng.randint(3, 8),
        expertise=tuple(expertise),
        district_codes=_districts(rng, home, 4, (35, 35, 20, 10)),
    )


def make_fair(rng: random.Random, plan: FairPlan, scale: Scale, now: datetime) -> FairSeed:
    opens_at = (now + timedelta(days=plan.opens_in_days)).replace(microsecond=0)
    count = plan.projects if plan.projects is not None else scale.projects
    return FairSeed(
        edition=plan.edition,
        name=plan.name,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=plan.open_days),
        projects=tuple(make_projects(rng, count, plan.year)),
    )


def generate(scale: str = "demo", *, seed: int = DEFAULT_SEED, now: datetime | None = None) -> Seed:
    """The whole data set of ``scale``; the same arguments always give the same result."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    size = SCALES[scale]
    rng = random.Random(seed * 1_000 + list(SCALES).index(scale))
    now = (now or datetime.now(TIMEZONE)).astimezone(TIMEZONE)
    offset = _SERIAL_OFFSETS[scale]
    organizations = [make_organization(rng, offset + i) for i in range(size.organizations)]
    if scale == "demo":
        # The demo account's organization replaces the first generated one.
        organizations[0] = _DEMO_ORGANIZATION
    pool = tuple(organizations)
    supervisors = [
        # The first two demo supervisors log in as reviewer and supervisor: keep them
        # free of any organization so they can review and follow any project.
        make_supervisor(rng, offset + i, pool, independent=scale == "demo" and i < 2)
        for i in range(size.supervisors)
    ]
    if scale == "demo":
        supervisors[0] = replace(supervisors[0], title="教授", affiliation=texts.UNIVERSITIES[0])
        supervisors[1] = replace(
            supervisors[1], title="高级社工师", affiliation="南京市社会工作协会"
        )
    fairs = tuple(make_fair(rng, plan, size, now) for plan in FAIRS[scale])
    return Seed(scale, pool, tuple(supervisors), fairs)


__all__ = [
    "DEMO_ACCOUNTS",
    "SCALES",
    "DemoAccount",
    "FairSeed",
    "OrganizationSeed",
    "ProjectSeed",
    "Scale",
    "Seed",
    "SupervisorSeed",
    "generate",
]
