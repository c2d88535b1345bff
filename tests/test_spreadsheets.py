"""Project lists from spreadsheets, the results workbook and the template.

Files are built in memory with openpyxl or as CSV bytes; imports go through the service
(``import_projects``) as the CLI and a future upload do.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import struct
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from openpyxl import Workbook, load_workbook

from api.auth.models import Account, Role
from api.catalog.models import CatalogItem, ServiceClass
from api.errors import DomainError, Problem
from api.fairs.models import Fair
from api.places.models import District, Publisher, PublisherKind
from api.projects.models import Project
from api.spreadsheets import reading
from api.spreadsheets.columns import EXAMPLE_SHEET, HEADERS, LISTS_SHEET, NOTES_SHEET, SHEET
from api.spreadsheets.export import results_workbook
from api.spreadsheets.importing import describe, import_projects
from api.spreadsheets.template import template_workbook
from api.sqlcount import count_statements
from tests import factories
from tests.sessions import make_account
from tests.spreadsheet_support import COMPARED, row, saved, xlsx, zip_bomb


@dataclass
class Stage:
    organizer: Account
    district: District
    publisher: Publisher
    elderly: CatalogItem
    children: CatalogItem


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stage(app: object) -> Stage:
    home = await factories.district()
    return Stage(
        organizer=await make_account(Role.ORGANIZER),
        district=home,
        publisher=await factories.publisher(home, PublisherKind.STREET),
        elderly=await factories.catalog_item(ServiceClass.ELDERLY),
        children=await factories.catalog_item(ServiceClass.CHILDREN),
    )


def csv_bytes(rows: list[dict[str, Any]], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for values in rows:
        writer.writerow(["" if values.get(h) is None else values.get(h) for h in HEADERS])
    return out.getvalue().encode(encoding)


async def refused(stage: Stage, fair: Fair, data: bytes | Path, **kw: Any) -> list[Problem]:
    with pytest.raises(DomainError) as caught:
        await import_projects(stage.organizer, fair.id, data, **kw)
    return caught.value.problems


def where(problems: list[Problem]) -> list[tuple[str, ...]]:
    return [tuple(p.field or ()) for p in problems]


async def written(fair: Fair) -> int:
    return await Project.filter(fair_id=fair.id).count()


# --- template -------------------------------------------------------------------------------


def test_template_has_the_headers_and_a_note_for_every_column():
    # When the template is built
    book = load_workbook(io.BytesIO(saved(template_workbook())))
    # Then its list sheet has the Chinese headers and the notes sheet explains each one
    assert [c.value for c in book[SHEET][1]] == list(HEADERS)
    notes = {r[0]: r[2] for r in book[NOTES_SHEET].iter_rows(min_row=2, values_only=True)}
    assert set(notes) == set(HEADERS)
    assert "为老服务" in notes["服务类别"] and "竞争性评审" in notes["采购方式"]
    assert "两位小数" in notes["预算（元）"]


# --- importing ------------------------------------------------------------------------------


async def test_a_filled_template_publishes_every_row(stage):
    # Given a fair and a template with three rows
    fair = await factories.fair()
    rows = [row(stage), row(stage, 重点扶持="是", 采购方式="竞争性评审"), row(stage)]
    # When it is imported
    result = await import_projects(stage.organizer, fair.id, xlsx(rows))
    # Then the three projects are published with exact money and mapped names
    assert result.rows == 3 and len(result.project_ids) == 3
    first = await Project.get(fair_id=fair.id, code=rows[0]["项目编号"])
    assert first.budget == Decimal("80000.50")
    assert first.city_funding == Decimal("40000.00")
    assert first.publisher_id == stage.publisher.id and first.district_id == stage.district.id
    second = await Project.get(fair_id=fair.id, code=rows[1]["项目编号"])
    assert second.key_support and second.procurement == "COMPETITIVE"


async def test_bad_cells_are_reported_by_row_and_column_and_nothing_is_written(stage):
    # Given rows with a bad class, a non-numeric budget, a 3-decimal budget and a duplicate code
    fair = await factories.fair()
    rows = [row(stage) for _ in range(6)]
    rows[0]["服务类别"] = "为狗服务"
    rows[1]["预算（元）"] = "八万"
    rows[2]["预算（元）"] = 80000.123
    rows[2]["市级资金"] = rows[2]["区级资金"] = None
    rows[4]["项目编号"] = rows[3]["项目编号"]
    rows[5]["目录编码"] = stage.children.code  # catalogue item of another class
    # When it is imported
    problems = await refused(stage, fair, xlsx(rows))
    # Then every bad cell is reported with its row as people count (header = 1) and column
    assert where(problems) == [
        ("rows", "2", "服务类别"),
        ("rows", "3", "预算（元）"),
        ("rows", "4", "预算（元）"),
        ("rows", "6", "项目编号"),
        ("rows", "7", "目录编码"),
    ]
    assert "为狗服务" in problems[0].message and "为老服务" in problems[0].message
    assert "两位小数" in problems[2].message
    # the duplicate names the first copy by its spreadsheet row
    assert "第 5 行" in problems[3].message
    assert describe(problems[1]).startswith("第 3 行「预算（元）」")
    assert await written(fair) == 0


async def test_unknown_publisher_and_district_names_are_reported(stage):
    fair = await factories.fair()
    problems = await refused(
        stage, fair, xlsx([row(stage, 发布单位="不存在的街道", 实施区="火星区")])
    )
    assert where(problems) == [("rows", "2", "发布单位"), ("rows", "2", "实施区")]
    assert "不存在的街道" in problems[0].message


async def test_a_gb18030_csv_is_accepted(stage):
    # Given a CSV saved by Excel on a Chinese Windows (GB18030)
    fair = await factories.fair()
    rows = [row(stage, 项目名称="邻里守望·长者关爱计划") for _ in range(2)]
    # When it is imported
    result = await import_projects(stage.organizer, fair.id, csv_bytes(rows, "gb18030"))
    # Then the Chinese text arrives intact
    assert result.rows == 2
    titles = await Project.filter(fair_id=fair.id).values_list("title", flat=True)
    assert set(titles) == {"邻里守望·长者关爱计划"}


async def test_a_utf8_csv_with_bom_is_accepted(stage):
    fair = await factories.fair()
    result = await import_projects(stage.organizer, fair.id, csv_bytes([row(stage)], "utf-8-sig"))
    assert result.rows == 1 and await written(fair) == 1


async def test_a_dry_run_checks_and_writes_nothing(stage):
    # Given a valid list
    fair = await factories.fair()
    data = xlsx([row(stage) for _ in range(4)])
    # When it is imported as a dry run
    result = await import_projects(stage.organizer, fair.id, data, dry_run=True)
    # Then it reports the rows and the budget, and writes nothing
    assert result.dry_run and result.rows == 4 and result.project_ids == []
    assert result.budget == Decimal("320002.00")
    assert await written(fair) == 0


async def test_a_dry_run_still_reports_every_problem(stage):
    fair = await factories.fair()
    problems = await refused(stage, fair, xlsx([row(stage, 项目名称="")]), dry_run=True)
    assert where(problems) == [("rows", "2", "项目名称")]


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    return out.getvalue()


REFUSED_FILES = {
    "empty": (b"", "空"),
    "header only": (csv_bytes([], "utf-8"), "没有项目"),
    "utf-16": ("项目编号,项目名称\n".encode("utf-16"), "不是表格文件"),
    "undecodable": (b"\xff\xfe\xfd" * 50, "编码"),
    "random bytes": (bytes(range(256)) * 8, "不是表格文件"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "不是表格文件"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
    "zip, not a workbook": (_plain_zip(), "不是有效的 Excel"),
    "broken zip": (b"PK\x03\x04" + b"\x01" * 200, "不是有效的 Excel"),
    "zip bomb": (zip_bomb(), "过大"),
    "other text": ("姓名,电话\n张三,123\n".encode(), "表头"),
}


@pytest.mark.parametrize("name", list(REFUSED_FILES))
async def test_files_that_are_not_project_lists_are_refused(stage, name):
    # Given a file that is not a readable project list
    data, said = REFUSED_FILES[name]
    fair = await factories.fair()
    # When it is imported
    problems = await refused(stage, fair, data)
    # Then it is refused as a whole with a clear message, and nothing is written
    assert where(problems) == [("file",)]
    assert said in problems[0].message
    assert await written(fair) == 0


async def test_a_file_over_the_size_limit_is_refused_before_it_is_read(stage, tmp_path):
    # Given a file one byte over the limit
    path = tmp_path / "big.csv"
    path.write_bytes(b"a" * (reading.MAX_BYTES + 1))
    fair = await factories.fair()
    # When it is imported (from its path or its bytes)
    for source in (path, path.read_bytes()):
        problems = await refused(stage, fair, source)
        # Then it is refused for its size
        assert where(problems) == [("file",)] and "MB" in problems[0].message
    assert await written(fair) == 0


async def test_too_many_rows_are_refused(stage, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    fair = await factories.fair()
    problems = await refused(stage, fair, csv_bytes([row(stage) for _ in range(4)], "utf-8"))
    assert "最多导入 3 行" in problems[0].message


async def test_a_list_of_2000_rows_imports_in_bulk(stage, tmp_path):
    # Given a template of 2,000 rows on disk
    fair = await factories.fair()
    path = tmp_path / "city.xlsx"
    path.write_bytes(xlsx([row(stage) for _ in range(2_000)]))
    # When it is imported
    with count_statements() as statements:
        result = await import_projects(stage.organizer, fair.id, path)
    # Then every row is published with batched statements, not one (or more) per row;
    # how long it takes is a benchmark figure (docs/benchmarks.md), not a test.
    assert result.rows == 2_000 and await written(fair) == 2_000
    assert len(statements) < 200


# --- export and round trip ------------------------------------------------------------------


async def test_exported_projects_import_into_a_new_fair_unchanged(stage):
    # Given a fair whose list came from a spreadsheet, one project awarded and contracted
    source = await factories.fair()
    rows = [row(stage), row(stage, 重点扶持="是", 市级资金=None, 区级资金=None), row(stage)]
    await import_projects(stage.organizer, source.id, xlsx(rows))
    first = await Project.get(fair_id=source.id, code=rows[0]["项目编号"])
    org = await factories.organization()
    await factories.contract(first, org, "80000.50")
    # When its results workbook is exported and its project sheet imported into a new fair
    book = await results_workbook(source.id)
    target = await factories.fair()
    await import_projects(stage.organizer, target.id, saved(book))
    # Then the new fair has the same projects
    before = await Project.filter(fair_id=source.id).order_by("code").values_list(*COMPARED)
    after = await Project.filter(fair_id=target.id).order_by("code").values_list(*COMPARED)
    assert after == before and len(after) == 3


async def test_text_that_looks_like_a_formula_or_holds_control_characters_exports_as_text(stage):
    # Given projects whose titles a person typed as a formula and with a control character,
    fair = await factories.fair()
    await factories.project(fair, title='=HYPERLINK("http://evil.example","点我")')
    await factories.project(fair, title="社区\x07服务")
    # when the results workbook is exported and read back,
    book = load_workbook(io.BytesIO(saved(await results_workbook(fair.id))))
    titles = sorted(str(r[1]) for r in book["项目"].iter_rows(min_row=2, values_only=True))
    cells = [c for r in book["项目"].iter_rows(min_row=2) for c in r if c.data_type == "f"]
    # then the export works, no cell is a formula, and the titles are the typed text
    # (the control character dropped: an .xlsx file cannot hold it).
    assert cells == []
    assert titles == sorted(['=HYPERLINK("http://evil.example","点我")', "社区服务"])


async def test_the_results_workbook_has_projects_awards_and_payments(stage):
    # Given a fair with one contracted project
    fair = await factories.fair()
    await import_projects(stage.organizer, fair.id, xlsx([row(stage), row(stage)]))
    project = await Project.filter(fair_id=fair.id).order_by("id").first()
    assert project is not None
    org = await factories.organization()
    await factories.contract(project, org, "80000.50")
    # When the workbook is exported
    book = load_workbook(io.BytesIO(saved(await results_workbook(fair.id))))
    # Then it has the three sheets, money as numbers shown with two decimals
    assert book.sheetnames == ["项目", "立项结果", "拨付"]
    assert book["项目"].max_row == 3
    award = [c for c in book["立项结果"][2]]
    assert award[2].value == org.name and award[4].value == 80000.5
    assert award[4].number_format == "#,##0.00"
    payments = list(book["拨付"].iter_rows(min_row=2, values_only=True))
    assert [p[3] for p in payments] == [1, 2, 3]
    assert sum(Decimal(str(p[5])) for p in payments) == Decimal("80000.50")
    assert payments[0][6] == "已拨付" and payments[0][8] is not None


# --- the command ----------------------------------------------------------------------------


def _sheqia(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHEQIA_DATABASE_URL": f"sqlite://{database}"}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )


def test_the_command_exports_and_imports_with_progress_and_errors(tmp_path):
    # Given the demo fair in a database of its own
    database = tmp_path / "x.db"
    assert _sheqia(database, "seed", "--scale", "demo").returncode == 0
    with sqlite3.connect(database) as connection:
        [(edition,)] = connection.execute("SELECT max(edition) FROM fair").fetchall()
    # When the template and the results are exported
    template, results = tmp_path / "t.xlsx", tmp_path / "r.xlsx"
    assert _sheqia(database, "export", "template", "--out", str(template)).returncode == 0
    exported = _sheqia(database, "export", "results", "--fair", str(edition), "--out", str(results))
    assert exported.returncode == 0, exported.stderr
    assert load_workbook(template).sheetnames == [SHEET, EXAMPLE_SHEET, NOTES_SHEET, LISTS_SHEET]
    # And the fair's own projects are imported again into it as a dry run
    again = _sheqia(
        database, "import", "projects", str(results), "--fair", str(edition), "--dry-run"
    )
    # Then it shows progress, every error with its row and column, and exits 1
    assert again.returncode == 1
    assert "共" in again.stdout
    assert "第 2 行「项目编号」" in again.stderr
    assert "未写入" in again.stderr
