"""Spreadsheets for the validator fuzz tests: files of any bytes, valid lists, any cells.

A valid list is what a person fills in (text trimmed, no control characters, amounts to
the fen), built as CSV in any of the encodings people's tools write, or as an .xlsx with
amounts as numbers or text; ``assert_drafts_match`` checks that reading it gives back
exactly the drafts that were typed.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest_asyncio
from hypothesis import strategies as st
from openpyxl import Workbook

from api.auth.models import Account, Role
from api.catalog.models import SERVICE_CLASS_NAMES, ServiceClass
from api.money import MAX_AMOUNT
from api.places.models import PublisherKind
from api.spreadsheets.columns import (
    HEADERS,
    NO,
    PROCUREMENT_NAMES,
    PROJECT_TYPE_NAMES,
    SHEET,
    YES,
)
from api.spreadsheets.reading import OLE_MAGIC, ZIP_MAGIC, SheetRows
from api.spreadsheets.rows import Places, catalog_code, convert
from tests import factories
from tests.fuzzing import long_text
from tests.sessions import make_account

# --- files of any bytes --------------------------------------------------------------


def valid_workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SAMPLE_XLSX = valid_workbook([["XW-1", "项目", "简介", "为老服务"]])
HEADER_CSV = ",".join(HEADERS).encode() + b"\r\n"


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with a few bytes overwritten, cut off or inserted."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["overwrite", "cut", "insert"]))
        if action == "overwrite":
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at:]
            if not data:
                data = bytearray(b"PK")
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return bytes(data)


SPREADSHEET_BYTES = st.one_of(
    st.binary(),
    st.binary().map(ZIP_MAGIC.__add__),
    st.binary().map(OLE_MAGIC.__add__),
    st.binary().map(codecs.BOM_UTF8.__add__),
    st.binary().map(codecs.BOM_UTF16_LE.__add__),
    st.binary().map(HEADER_CSV.__add__),
    st.text().map(lambda t: HEADER_CSV + t.encode("gb18030")),
    damaged(SAMPLE_XLSX),
    damaged(HEADER_CSV + "XW-1,项目,简介,为老服务\r\n".encode("gb18030")),
)


# --- valid lists -------------------------------------------------------------------

DISTRICTS = {"玄武区": 1, "秦淮区": 2}
PUBLISHERS = {"梅园新村街道": [(11, 1)], "夫子庙街道": [(12, 2)], "同名社区": [(13, 1), (14, 2)]}
PLACES = Places(publishers=PUBLISHERS, districts=DISTRICTS)
# Text people type into a cell: letters, digits, punctuation and spaces inside, trimmed;
# never a control character (workbooks cannot hold them) nor a leading "=" (a formula).
CELL_TEXT = (
    st.text(
        st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="="),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
CLASS_BY_NAME = {name: value for value, name in SERVICE_CLASS_NAMES.items()}
TYPE_BY_NAME = {name: value for value, name in PROJECT_TYPE_NAMES.items()}
PROCUREMENT_BY_NAME = {name: value for value, name in PROCUREMENT_NAMES.items()}
POSITIVE = st.decimals(min_value=Decimal("0.01"), max_value=MAX_AMOUNT, places=2)


@dataclass(frozen=True)
class Row:
    """What a person fills in for one project, by column header."""

    cells: dict[str, Any]


@st.composite
def rows(draw: st.DrawFn) -> Row:
    budget = draw(POSITIVE)
    split = draw(st.booleans())
    city = draw(st.decimals(min_value=0, max_value=budget, places=2)) if split else None
    publisher = draw(st.sampled_from(sorted(PUBLISHERS)))
    district = draw(st.sampled_from(sorted(DISTRICTS)))
    cells: dict[str, Any] = {
        "项目编号": draw(CELL_TEXT),
        "项目名称": draw(CELL_TEXT),
        "项目简介": draw(CELL_TEXT),
        "服务类别": draw(st.sampled_from(sorted(CLASS_BY_NAME))),
        "项目类型": draw(st.sampled_from(sorted(TYPE_BY_NAME))),
        "采购方式": draw(st.sampled_from(sorted(PROCUREMENT_BY_NAME))),
        "预算（元）": budget,
        "最少持证社工": draw(st.none() | st.integers(0, 20)),
        "服务周期（月）": draw(st.integers(1, 36)),
        "服务对象": draw(CELL_TEXT),
        "重点扶持": draw(st.sampled_from([YES, NO, None])),
        "发布单位": publisher,
        "实施区": district,
        "实施社区": draw(st.none() | CELL_TEXT),
        "目录编码": draw(CELL_TEXT),
        "社区/街道意见": draw(CELL_TEXT),
        "市级资金": city,
        "区级资金": None if city is None else budget - city,
        "受益人数": draw(st.none() | st.integers(1, 100_000)),
        "资质要求": draw(st.none() | CELL_TEXT),
    }
    return Row(cells)


def csv_bytes(table: list[Row], encoding: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in table:
        writer.writerow(["" if row.cells[h] is None else str(row.cells[h]) for h in HEADERS])
    return out.getvalue().encode(encoding)


def xlsx_bytes(table: list[Row], money_as_numbers: bool) -> bytes:
    """A workbook as Excel writes one: amounts as numbers (or text), counts as numbers."""

    def cell(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value) if money_as_numbers else str(value)
        return value

    return valid_workbook([[cell(row.cells[h]) for h in HEADERS] for row in table])


def expected_publisher(row: Row) -> int:
    found = PUBLISHERS[row.cells["发布单位"]]
    district = DISTRICTS[row.cells["实施区"]]
    return found[0][0] if len(found) == 1 else next(p for p, d in found if d == district)


def assert_drafts_match(sheet: SheetRows, table: list[Row]) -> None:
    converted = convert(sheet, PLACES)
    assert not converted.problems, converted.problems
    assert converted.row_numbers == list(range(2, len(table) + 2))
    for draft, row in zip(converted.drafts, table, strict=True):
        cells = row.cells
        assert (draft.code, draft.title, draft.description) == (
            cells["项目编号"], cells["项目名称"], cells["项目简介"],
        )  # fmt: skip
        assert draft.service_class is CLASS_BY_NAME[cells["服务类别"]]
        assert draft.project_type is TYPE_BY_NAME[cells["项目类型"]]
        assert draft.procurement is PROCUREMENT_BY_NAME[cells["采购方式"]]
        assert draft.budget == cells["预算（元）"]
        assert draft.min_social_workers == cells["最少持证社工"]
        assert draft.service_period_months == cells["服务周期（月）"]
        assert draft.beneficiaries == cells["服务对象"]
        assert draft.key_support is (cells["重点扶持"] == YES)
        assert draft.district_id == DISTRICTS[cells["实施区"]]
        assert draft.publisher_id == expected_publisher(row)
        assert draft.community == cells["实施社区"]
        assert draft.catalog_item == catalog_code(cells["目录编码"])
        assert draft.community_opinion == cells["社区/街道意见"]
        assert (draft.city_funding, draft.district_funding) == (
            cells["市级资金"],
            cells["区级资金"],
        )
        assert draft.beneficiary_count == cells["受益人数"]
        assert draft.qualifications == (cells["资质要求"] or "")


TABLES = st.lists(rows(), min_size=1, max_size=6)

# --- any cells -----------------------------------------------------------------------

ANY_CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.decimals(allow_nan=False).map(str),
    st.sampled_from([YES, NO, "为老服务", "直接认领", "社区公益服务", "玄武区", "梅园新村街道"]),
)


# What a cell of an imported CSV can say: numbers of any size and notation, any text.
CELLS = st.one_of(
    st.integers().map(str),
    st.integers(2**31 - 5, 2**70).map(str),
    st.floats().map(repr),
    st.decimals(allow_nan=False).map(str),
    st.sampled_from(["-1", "0", "1e30", "9" * 40, "NaN", "", YES, "TRUE", "1.5"]),
    st.text(max_size=20),
    long_text(),
)


# --- a fair to import into -----------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """An open fair and the places and catalogue item its rows name."""

    organizer: Account
    fair_id: int
    district: str
    publisher: str
    item: str


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stage(app: object) -> Stage:
    home = await factories.district()
    street = await factories.publisher(home, PublisherKind.STREET)
    item = await factories.catalog_item(ServiceClass.ELDERLY)
    fair = await factories.fair()
    organizer = await make_account(Role.ORGANIZER)
    return Stage(organizer, fair.id, home.name, street.name, item.code)


def valid_cells(stage: Stage, code: str) -> dict[str, Any]:
    return {
        "项目编号": code, "项目名称": "幸福里老年人日间照料", "项目简介": "日间照料与上门探访。",
        "服务类别": "为老服务", "项目类型": "社区公益服务", "采购方式": "直接认领",
        "预算（元）": "80000.50", "最少持证社工": "1", "服务周期（月）": "12",
        "服务对象": "独居老人约 120 人", "重点扶持": NO, "发布单位": stage.publisher,
        "实施区": stage.district, "实施社区": "幸福里社区", "目录编码": stage.item,
        "社区/街道意见": "同意实施。", "市级资金": "", "区级资金": "", "受益人数": "120",
        "资质要求": "",
    }  # fmt: skip
