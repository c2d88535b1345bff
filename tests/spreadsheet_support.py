"""Fixtures and helpers of the spreadsheet API tests: a stage to publish on, template rows,
GraphQL multipart uploads, and a fair with a scored competition for the downloads."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio
from openpyxl import Workbook, load_workbook

from api.auth.models import Role
from api.bidding.models import BidStatus
from api.catalog.models import CatalogItem, ServiceClass
from api.fairs.models import Fair
from api.places.models import District, Publisher, PublisherKind
from api.projects.models import Procurement, Project
from api.settings import DEFAULT_MAX_UPLOAD_BYTES
from api.spreadsheets.columns import HEADERS, SHEET
from api.spreadsheets.template import template_workbook
from api.supervisors.models import Assignment
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

IMPORT = """
mutation Import($fair: ID!, $file: Upload!, $dryRun: Boolean) {
  importProjects(fair: $fair, file: $file, dryRun: $dryRun) {
    errors { code field message }
    rowCount totalBudget dryRun
    projects { id code title budget status publisher { name } }
  }
}
"""

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIMIT = DEFAULT_MAX_UPLOAD_BYTES
# Fields compared in a round trip: everything a list sets.
COMPARED = (
    "code", "title", "description", "service_class", "project_type", "procurement", "budget",
    "min_social_workers", "service_period_months", "beneficiaries", "key_support",
    "publisher_id", "district_id", "community", "catalog_item_id", "community_opinion",
    "city_funding", "district_funding", "beneficiary_count", "qualifications",
)  # fmt: skip


@dataclass
class Stage:
    district: District
    publisher: Publisher
    elderly: CatalogItem
    organizer: str
    own_publisher: str  # a publisher account of ``publisher``
    organization: str


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stage(app: object) -> Stage:
    home = await factories.district()
    street = await factories.publisher(home, PublisherKind.STREET)
    return Stage(
        district=home,
        publisher=street,
        elderly=await factories.catalog_item(ServiceClass.ELDERLY),
        organizer=await token_for(Role.ORGANIZER),
        own_publisher=await token_for(Role.PUBLISHER, publisher_id=street.id),
        organization=await token_for(Role.ORGANIZATION),
    )


def row(stage: Stage, **changes: Any) -> dict[str, Any]:
    """A valid row, by header, as a person fills the template."""
    n = factories.next_number()
    values: dict[str, Any] = {
        "项目编号": f"UP{factories.RUN}-{n:06d}",
        "项目名称": f"邻里守望长者关爱{n}",
        "项目简介": "为辖区独居老人提供上门探访和日间照料。",
        "服务类别": "为老服务",
        "项目类型": "社区公益服务",
        "采购方式": "直接认领",
        "预算（元）": 80000.5,
        "最少持证社工": 1,
        "服务周期（月）": 12,
        "服务对象": "独居老人约 120 人",
        "重点扶持": "否",
        "发布单位": stage.publisher.name,
        "实施区": stage.district.name,
        "实施社区": "幸福里社区",
        "目录编码": stage.elderly.code,
        "社区/街道意见": "同意实施。",
        "市级资金": 40000,
        "区级资金": "40000.50",
        "受益人数": 120,
        "资质要求": "",
    }
    values.update(changes)
    return values


def xlsx(rows: list[dict[str, Any]]) -> bytes:
    """The downloaded template filled with ``rows``."""
    book = template_workbook()
    for values in rows:
        book[SHEET].append([values.get(h) for h in HEADERS])
    return saved(book)


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fair_id(fair: Fair | int) -> str:
    return str(to_global_id("Fair", fair if isinstance(fair, int) else fair.id))


def multipart(
    data: bytes, fair: str, dry_run: bool | None, filename: str
) -> tuple[dict[str, str], dict[str, Any]]:
    """The GraphQL multipart request: operations, map, and the file as part "0"."""
    operations = {"query": IMPORT, "variables": {"fair": fair, "file": None, "dryRun": dry_run}}
    form = {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})}
    return form, {"0": (filename, data, XLSX if filename.endswith(".xlsx") else "text/csv")}


async def upload(
    client: httpx.AsyncClient,
    data: bytes,
    fair: Fair | int,
    token: str | None,
    *,
    dry_run: bool | None = None,
    filename: str = "项目清单.xlsx",
) -> dict[str, Any]:
    """Uploads ``data`` as a browser does and returns the ``importProjects`` payload."""
    form, files = multipart(data, fair_id(fair), dry_run, filename)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", data=form, files=files, headers=headers)
    client.cookies.clear()
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]["importProjects"]


def fields(payload: dict[str, Any]) -> list[tuple[str, ...]]:
    return [tuple(e["field"] or ()) for e in payload["errors"]]


async def written(fair: Fair) -> int:
    return await Project.filter(fair_id=fair.id).count()


def zip_bomb() -> bytes:
    """A small zip whose one member declares 4 GB unpacked (central directory patched)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x/>" * 100)
    data = bytearray(out.getvalue())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 0xFFFFFFF0)
    return bytes(data)


@dataclass
class Competition:
    fair: Fair
    winner_phone: str
    loser: str
    reviewer: str
    supervisor: str


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def competition(stage: Stage) -> Competition:
    """A fair with a competitive project: two bids scored by a reviewer, one awarded and
    contracted, its supervisor assigned."""
    fair = await factories.fair(name=f"第{factories.next_number()}届测试/社洽会")
    project = await factories.project(
        fair, procurement=Procurement.COMPETITIVE, by_publisher=stage.publisher
    )
    winner = await factories.organization(contact_phone="13911112222")
    loser = await factories.organization(name=f"落选{factories.RUN}社工服务社")
    reviewer = await factories.supervisor(name=f"评审{factories.next_number()}")
    supervisor = await factories.supervisor(name=f"督导{factories.next_number()}")
    await factories.contract(project, winner, "90000.00")
    won = await project.bids.filter(organization_id=winner.id).get()
    lost = await factories.bid(project, loser, amount="85000.00", status=BidStatus.LOST)
    for bid, total, rank in ((won, 88.5, 1), (lost, 71.0, 2)):
        await factories.review(bid, reviewer, total, fair)
        bid.score, bid.rank = total, rank
        await bid.save(update_fields=["score", "rank"])
    await Assignment.create(project=project, supervisor=supervisor, assigned_at=factories.now())
    return Competition(fair, winner.contact_phone, loser.name, reviewer.name, supervisor.name)


def workbook_texts(content: bytes) -> tuple[list[str], set[str]]:
    """The sheet names and every cell's text of a workbook."""
    book = load_workbook(io.BytesIO(content))
    texts = {
        str(value)
        for sheet in book.worksheets
        for line in sheet.iter_rows(values_only=True)
        for value in line
        if value is not None
    }
    return book.sheetnames, texts
