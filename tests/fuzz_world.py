"""The world the API fuzz runs in, and the values it draws for every scalar.

A fair in every stage (open and closed, projects published, claimed, in bidding, awarded,
in delivery, a draft; bids, reviews, contracts and payments) gives the fuzzer real things
to name. Every scalar is drawn half from random values and half from this world's
vocabulary (real global ids of each type, editions, catalogue codes, criterion keys, a
valid credit code, valid money and times), so arguments often pass the first check and
reach the services behind it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st
from schemathesis.graphql import nodes

from api.bidding.models import BidStatus
from api.catalog.models import ServiceClass
from api.fairs.models import DEFAULT_CRITERIA, DEFAULT_EVALUATION_COMPONENTS
from api.places.models import PublisherKind
from api.projects.models import Procurement, ProjectStatus
from api.spreadsheets.columns import HEADERS
from schema.relay import to_cursor, to_global_id
from tests import factories
from tests.fuzz_sheets import CELLS
from tests.fuzzing import long_text
from tests.sessions import PASSWORD


@dataclass
class World:
    """Who the role accounts belong to, and the vocabulary the fuzzer draws from."""

    organization_id: int = 0
    supervisor_id: int = 0
    publisher_id: int = 0
    ids: list[str] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    integers: list[int] = field(default_factory=list)
    # A valid row of a project list, by column header (for uploaded files).
    row: dict[str, str] = field(default_factory=dict)


async def seed() -> World:
    world = World()
    home = await factories.district()
    street = await factories.publisher(home, PublisherKind.STREET)
    community = await factories.publisher(home)
    item = await factories.catalog_item(ServiceClass.ELDERLY)
    open_fair = await factories.fair()
    closed_fair = await factories.fair(closed=True)
    organization = await factories.elite_organization(districts=(home,))
    rival = await factories.organization(districts=(home,), social_workers=2)
    supervisor = await factories.supervisor(districts=(home,), max_load=8)
    reviewer = await factories.supervisor(expertise=(ServiceClass.CHILDREN,))

    direct = await factories.project(open_fair, by_publisher=community, item=item)
    competitive = await factories.project(
        open_fair,
        by_publisher=street,
        item=item,
        procurement=Procurement.COMPETITIVE,
        status=ProjectStatus.BIDDING,
    )
    claimed = await factories.project(open_fair, by_publisher=community, item=item)
    claim = await factories.bid(claimed, rival, amount="80000.00")
    bid = await factories.bid(competitive, organization, amount="95000.00")
    await factories.review(bid, reviewer, 80.0, open_fair)
    scored = await factories.project(
        closed_fair, procurement=Procurement.COMPETITIVE, status=ProjectStatus.BIDDING
    )
    for n, org in enumerate((organization, rival)):
        ranked = await factories.bid(scored, org, amount=f"9{n}000.00")
        await factories.review(ranked, reviewer, 70.0 + n, closed_fair)
    delivering = await factories.project(closed_fair, by_publisher=community, item=item)
    await factories.contract(delivering, organization, "100000.00")
    due = await factories.project(closed_fair, by_publisher=street, item=item)
    await factories.contract(due, rival, "60000.00", first_paid=False)
    withdrawn = await factories.bid(
        await factories.project(open_fair), rival, status=BidStatus.WITHDRAWN
    )
    draft = await factories.project(open_fair, status=ProjectStatus.DRAFT)

    world.organization_id = organization.id
    world.supervisor_id = reviewer.id
    world.publisher_id = street.id
    nodes_by_type = {
        "District": [home],
        "Publisher": [street, community],
        "Fair": [open_fair, closed_fair],
        "Organization": [organization, rival],
        "Supervisor": [supervisor, reviewer],
        "Project": [direct, competitive, claimed, scored, delivering, due, draft],
        "Bid": [claim, bid, withdrawn],
    }
    for type_name, rows in nodes_by_type.items():
        world.ids += [to_global_id(type_name, row.id) for row in rows]
    world.ids += [to_cursor(direct.id), to_global_id("Project", 2**31 - 1)]
    world.strings += [
        item.code, home.name, street.name, factories.credit_code(), "XW-2026-001", "为老",
        PASSWORD, "organizer-1", "5A", "025-80000000", "a\x00b",
        *(str(c["key"]) for c in DEFAULT_CRITERIA),
        *(str(c["key"]) for c in DEFAULT_EVALUATION_COMPONENTS),
    ]  # fmt: skip
    world.integers += [open_fair.edition, closed_fair.edition, 1, 2, 3, 12, 100]
    world.row = {
        "项目编号": "FZ-1", "项目名称": "幸福里老年人日间照料", "项目简介": "日间照料与上门探访。",
        "服务类别": "为老服务", "项目类型": "社区公益服务", "采购方式": "直接认领",
        "预算（元）": "80000.50", "最少持证社工": "1", "服务周期（月）": "12",
        "服务对象": "独居老人约 120 人", "重点扶持": "否", "发布单位": street.name,
        "实施区": home.name, "实施社区": "", "目录编码": item.code,
        "社区/街道意见": "同意实施。", "市级资金": "", "区级资金": "", "受益人数": "120",
        "资质要求": "",
    }  # fmt: skip
    return world


def scalar_strategies(world: World) -> dict[str, st.SearchStrategy[Any]]:
    """Half random, half real values, for every scalar the schema's arguments use."""
    return {
        "ID": st.one_of(st.sampled_from(world.ids), st.text(), long_text()).map(nodes.String),
        "String": st.one_of(st.sampled_from(world.strings), st.text(), long_text()).map(
            nodes.String
        ),
        "Int": st.one_of(
            st.sampled_from(world.integers),
            st.integers(-2, 40),
            st.integers(-(2**31), 2**31 - 1),
        ).map(nodes.Int),
        "Float": st.one_of(st.floats(0, 100), st.floats(allow_nan=False, allow_infinity=False)).map(
            nodes.Float
        ),
        "Decimal": money_literals(),
        "DateTime": time_literals(),
        # A file is never a literal: the fuzz test sends it as a multipart part instead.
        "Upload": st.just(nodes.String("")),
    }


MONEY_EDGES = [
    "NaN", "sNaN", "Infinity", "-Infinity", "1e400", "1e30", "1E+2", "0.001", "-0.01", "0",
    "9999999999.99", "10000000000.00", "1" + "0" * 40, "１２３.００", " 80000.50 ",
    "1_000.00", "80,000.00", "", "十万元",
]  # fmt: skip


def money_literals() -> st.SearchStrategy[Any]:
    """Valid amounts, the edges of the Decimal scalar, junk text and non-string literals."""
    amounts = st.decimals(min_value=0, max_value=200_000, places=2).map(str)
    return st.one_of(
        amounts.map(nodes.String),
        st.sampled_from(MONEY_EDGES).map(nodes.String),
        st.text().map(nodes.String),
        st.integers(-(2**31), 2**31 - 1).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
    )


def _offsets() -> st.SearchStrategy[timezone]:
    return st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


TIME_EDGES = [
    "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2026-02-30T10:00:00+08:00",
    "2026-06-01T10:00:00", "2026-06-01", "now", "", "2026-06-01T24:00:00+08:00",
]  # fmt: skip


def time_literals() -> st.SearchStrategy[Any]:
    """Times near now with any offset, the year range's edges, naive times and junk."""
    near = st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=_offsets()
    )
    anywhere = st.datetimes(timezones=_offsets())
    return st.one_of(
        near.map(datetime.isoformat).map(nodes.String),
        anywhere.map(datetime.isoformat).map(nodes.String),
        st.sampled_from(TIME_EDGES).map(nodes.String),
        st.text().map(nodes.String),
    )


def upload_files(world: World) -> st.SearchStrategy[bytes]:
    """Project lists as uploaded: a valid row with a few cells changed, or any bytes."""

    @st.composite
    def csv_files(draw: st.DrawFn) -> bytes:
        changes = draw(st.dictionaries(st.sampled_from(HEADERS), CELLS, max_size=3))
        cells = {**world.row, "项目编号": f"FZ{factories.RUN}-{factories.next_number()}"}
        cells.update(changes)
        out = io.StringIO(newline="")
        csv.writer(out).writerows([HEADERS, [cells[h] for h in HEADERS]])
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
        return out.getvalue().encode(encoding, errors="replace")

    return st.one_of(csv_files(), st.binary(max_size=2000))
