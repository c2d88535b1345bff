"""The fair a fault test works on, staged by a process of its own, and project lists for it.

``python -m tests.fault_staging DATABASE_URL --projects N --organizations M`` migrates the
database and adds a fair open now with N published DIRECT projects (CNY 100,000, two
social workers needed), M eligible organizations, each with an ORGANIZATION account and
a session, and an organizer with a session; it prints what it made as one line of JSON
(``Staged``). A process of its own, because the test session's ORM is open on the test
database, not on the database the servers under test use.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import secrets
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from schema.relay import to_global_id

if TYPE_CHECKING:
    from api.places.models import Publisher

ROOT = Path(__file__).resolve().parents[1]
BUDGET = Decimal("100000.00")
NEEDED_SOCIAL_WORKERS = 2
BATCH = 500


@dataclass
class Staged:
    """What ``stage`` made: the fair, its projects, the organizations with their tokens."""

    fair_id: int
    edition: int
    projects: list[int]
    organizations: list[tuple[int, str]]  # (organization id, bearer token)
    organizer: str  # an ORGANIZER's bearer token
    publisher: str  # names, as a project list spells them
    district: str
    item: str  # the catalogue item's code

    @property
    def fair(self) -> str:
        return str(to_global_id("Fair", self.fair_id))


def stage(database: str, projects: int, organizations: int) -> Staged:
    """Stage a fair in ``database`` through ``python -m tests.fault_staging``."""
    sizes = ["--projects", str(projects), "--organizations", str(organizations)]
    done = subprocess.run(
        [sys.executable, "-m", "tests.fault_staging", database, *sizes],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.fail(f"staging failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
    made = json.loads(done.stdout.strip().splitlines()[-1])
    made["organizations"] = [tuple(o) for o in made["organizations"]]
    return Staged(**made)


async def _stage(database: str, projects: int, organizations: int) -> Staged:
    from api import db
    from api.settings import Settings

    settings = Settings(database_url=database, env="production")
    await db.migrate(settings)
    await db.start(settings)
    try:
        return await _stage_rows(f"{random.randrange(16**6):06x}", projects, organizations)
    finally:
        await db.stop()


async def _stage_rows(tag: str, projects: int, organizations: int) -> Staged:
    """The rows, bulk-inserted: staging 400 organizations one by one would take longer
    than the storm they are staged for."""
    from api.catalog.models import CatalogItem, ServiceClass
    from api.places.models import District, Publisher, PublisherKind

    district = await District.create(code=f"F{tag}", name=f"故障{tag}区", sort=9_000)
    publisher = await Publisher.create(
        name=f"故障{tag}街道", kind=PublisherKind.STREET, district=district
    )
    item = await CatalogItem.create(
        code=f"F{tag}", name=f"故障测试服务{tag}", service_class=ServiceClass.ELDERLY
    )
    fair_id, edition, ids = await _fair(tag, projects, publisher, item.id)
    members, organizer = await _organizations(tag, organizations)
    return Staged(
        fair_id, edition, ids, members, organizer, publisher.name, district.name, item.code
    )


async def _fair(
    tag: str, count: int, publisher: Publisher, item_id: int
) -> tuple[int, int, list[int]]:
    """A fair open now with ``count`` published DIRECT projects: its id, edition, projects."""
    from api.catalog.models import ServiceClass
    from api.fairs.models import DEFAULT_CRITERIA, DEFAULT_EVALUATION_COMPONENTS, Fair
    from api.projects.models import Procurement, Project, ProjectStatus, ProjectType

    now = datetime.now(UTC)
    latest = await Fair.all().order_by("-edition").first()
    fair = await Fair.create(
        edition=max(90_000, latest.edition if latest else 0) + 1,
        name=f"故障测试洽谈会{tag}",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1),
        criteria=[dict(c) for c in DEFAULT_CRITERIA],
        evaluation_components=[dict(c) for c in DEFAULT_EVALUATION_COMPONENTS],
    )
    common: dict[str, Any] = {
        "fair_id": fair.id, "description": "为辖区独居老人提供上门探访和日间照料。",
        "service_class": ServiceClass.ELDERLY, "catalog_item_id": item_id,
        "project_type": ProjectType.PUBLIC_WELFARE, "procurement": Procurement.DIRECT,
        "status": ProjectStatus.PUBLISHED, "budget": BUDGET,
        "min_social_workers": NEEDED_SOCIAL_WORKERS, "beneficiaries": "独居老人约 120 人",
        "publisher_id": publisher.id, "district_id": publisher.district_id, "published_at": now,
    }  # fmt: skip
    await Project.bulk_create(
        [Project(code=f"F{tag}-{i:05d}", title=f"长者关爱{i}", **common) for i in range(count)],
        batch_size=BATCH,
    )
    projects = await Project.filter(fair_id=fair.id).order_by("id").only("id")
    return fair.id, fair.edition, [p.id for p in projects]


async def _organizations(tag: str, count: int) -> tuple[list[tuple[int, str]], str]:
    """``count`` eligible organizations with a session each, and an organizer's session:
    ([(organization id, token)], organizer token). Sessions are rows, not logins: nobody
    needs the (slow on purpose) password check here."""
    from api.auth.models import Account, Role, Session
    from api.auth.passwords import hash_password
    from api.auth.sessions import SESSION_LIFETIME, token_hash
    from api.organizations.creditcode import make_credit_code
    from api.organizations.models import Organization

    base = random.randrange(10**8)
    await Organization.bulk_create(
        [
            Organization(
                name=f"故障{tag}第{i}社工服务中心",
                credit_code=make_credit_code(f"51320102{(base + i) % 10**9:09d}"),
                social_workers=NEEDED_SOCIAL_WORKERS + 1,
            )
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    orgs = await Organization.filter(name__startswith=f"故障{tag}").order_by("id")
    unused = hash_password(secrets.token_urlsafe(16))
    users: list[tuple[str, Role, int | None]] = [
        (f"fault-{tag}-{i:05d}", Role.ORGANIZATION, o.id) for i, o in enumerate(orgs)
    ]
    users.append((f"fault-{tag}-organizer", Role.ORGANIZER, None))
    await Account.bulk_create(
        [Account(username=u, password_hash=unused, role=r, organization_id=o) for u, r, o in users],
        batch_size=BATCH,
    )
    accounts = await Account.filter(username__startswith=f"fault-{tag}-").order_by("username")
    tokens = {a.username: secrets.token_urlsafe(32) for a in accounts}
    expires = datetime.now(UTC) + SESSION_LIFETIME
    await Session.bulk_create(
        [
            Session(token_hash=token_hash(tokens[a.username]), account_id=a.id, expires_at=expires)
            for a in accounts
        ],
        batch_size=BATCH,
    )
    members = [(o, tokens[u]) for u, _, o in users if o is not None]
    return members, tokens[f"fault-{tag}-organizer"]


# --- project lists ---------------------------------------------------------------------


def project_list(path: Path, fair: Staged, rows: int) -> Path:
    """A CSV project list of ``rows`` valid DIRECT projects in ``fair``'s places, with codes
    of their own."""
    from api.spreadsheets.columns import HEADERS

    tag = f"{random.randrange(16**4):04x}"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=HEADERS)
        writer.writeheader()
        for i in range(rows):
            writer.writerow(_list_row(fair, f"L{tag}-{i:05d}"))
    return path


def _list_row(fair: Staged, code: str) -> dict[str, Any]:
    return {
        "项目编号": code, "项目名称": f"邻里守望{code}", "项目简介": "为独居老人提供上门探访。",
        "服务类别": "为老服务", "项目类型": "社区公益服务", "采购方式": "直接认领",
        "预算（元）": "80000.50", "最少持证社工": 1, "服务周期（月）": 12,
        "服务对象": "独居老人约 120 人", "重点扶持": "否", "发布单位": fair.publisher,
        "实施区": fair.district, "实施社区": "幸福里社区", "目录编码": fair.item,
        "社区/街道意见": "同意实施。", "市级资金": "40000", "区级资金": "40000.50",
        "受益人数": 120, "资质要求": "",
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fault_staging")
    parser.add_argument("database")
    parser.add_argument("--projects", type=int, default=100)
    parser.add_argument("--organizations", type=int, default=400)
    args = parser.parse_args()
    staged = asyncio.run(_stage(args.database, args.projects, args.organizations))
    print(json.dumps(asdict(staged), ensure_ascii=False))


if __name__ == "__main__":
    main()
