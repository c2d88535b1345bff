"""Project lists as district officers really write them, published in one round.

Every problem of every row and column comes back in one pass; money with its unit (4.5万元,
¥70000), header variants (预算(元)), merged cells, a title row or a cover sheet, 合计 rows,
√ and ×, publishers' full titles are read as people mean them; what is corrected or
skipped on the way is told as a warning. The template offers drop-down lists, an example
row that publishes as it is, and notes that match the data.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from api.auth.models import Account, Role
from api.catalog.models import CatalogItem, ServiceClass
from api.errors import DomainError
from api.fairs.models import Fair
from api.places.models import District, Publisher, PublisherKind
from api.projects.models import Project
from api.spreadsheets.amounts import AmountError, parse_amount
from api.spreadsheets.columns import EXAMPLE_SHEET, HEADERS, LISTS_SHEET, NOTES_SHEET, SHEET
from api.spreadsheets.importing import ImportRefused, import_projects
from api.spreadsheets.template import template_choices, template_workbook
from schema.relay import to_global_id
from tests import factories
from tests.sessions import make_account, open_session
from tests.spreadsheet_support import fair_id, row, saved, xlsx

IMPORT = """
mutation Import($fair: ID!, $file: Upload!, $dryRun: Boolean) {
  importProjects(fair: $fair, file: $file, dryRun: $dryRun) {
    errors { code field message }
    warnings { field message }
    rowCount
  }
}
"""

PUBLISH = """
mutation Publish($fair: ID!, $projects: [ProjectInput!]!) {
  publishProjects(fair: $fair, projects: $projects) {
    projects { code minSocialWorkers }
    errors { field message }
    warnings { field message }
  }
}
"""


@dataclass
class Stage:
    organizer: Account
    token: str
    district: District
    publisher: Publisher  # a street office
    community: Publisher  # a community of that street, named as the system knows it
    elderly: CatalogItem
    children: CatalogItem


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stage(app: object) -> Stage:
    home = await factories.district()
    street = await Publisher.create(
        name=f"五老村{factories.next_number()}街道", kind=PublisherKind.STREET, district=home
    )
    community = await Publisher.create(
        name=f"夫子庙{factories.next_number()}社区",
        kind=PublisherKind.COMMUNITY,
        district=home,
        parent=street,
    )
    organizer = await make_account(Role.ORGANIZER)
    return Stage(
        organizer=organizer,
        token=await open_session(organizer),
        district=home,
        publisher=street,
        community=community,
        elderly=await factories.catalog_item(ServiceClass.ELDERLY),
        children=await factories.catalog_item(ServiceClass.CHILDREN),
    )


async def refused(stage: Stage, fair: Fair, data: bytes) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        await import_projects(stage.organizer, fair.id, data)
    return caught.value


def where(problems: list[Any]) -> list[tuple[str, ...]]:
    return [tuple(p.field or ()) for p in problems]


def sheet_of(headers: list[str], rows: list[list[Any]], title: str = SHEET) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = title
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    return book


async def budgets(fair: Fair) -> dict[str, Decimal]:
    return dict(await Project.filter(fair_id=fair.id).values_list("code", "budget"))


# --- one round -----------------------------------------------------------------------------


async def test_every_problem_of_a_row_comes_back_in_one_pass(stage):
    # Given a row with a bad class, a budget in words, no title, no catalogue code and a
    # period out of range (what came back in two rounds), and a row with a bad district
    # and a funding split that misses its budget,
    fair = await factories.fair()
    first = row(stage, 服务类别="为狗服务", 项目名称="", 目录编码="")
    first.update({"预算（元）": "八万", "服务周期（月）": 40})
    second = row(stage, 实施区="火星区", 市级资金=10000)
    # when it is imported,
    refusal = await refused(stage, fair, xlsx([first, second]))
    # then every one of them is reported at once, by row and column, in the sheet's order,
    assert where(refusal.problems) == [
        ("rows", "2", "项目名称"),
        ("rows", "2", "服务类别"),
        ("rows", "2", "预算（元）"),
        ("rows", "2", "服务周期（月）"),
        ("rows", "2", "目录编码"),
        ("rows", "3", "实施区"),
        ("rows", "3", "市级资金"),
    ]
    messages = [p.message for p in refusal.problems]
    # the empty catalogue code says what to write, not 没有编码为“”的服务项目,
    assert "目录编码不能为空" in messages[4] and "“”" not in messages[4]
    # a budget that could not be read is not also reported as a funding mismatch,
    # and nothing is written.
    assert await Project.filter(fair_id=fair.id).count() == 0


async def test_messages_name_classes_in_chinese_never_by_code(stage):
    # Given a 为老服务 row whose catalogue item is a 为小服务 item, and a row naming an
    # unknown class,
    fair = await factories.fair()
    rows = [row(stage, 目录编码=stage.children.code), row(stage, 服务类别="ELDERLYX")]
    # when it is imported,
    refusal = await refused(stage, fair, xlsx(rows))
    text = " ".join(p.message for p in refusal.problems)
    # then the messages say 为小服务 and 为老服务, and never a code such as ELDERLY.
    assert "为小服务" in text and "为老服务" in text
    for code in ServiceClass:
        assert code.value not in text.replace("ELDERLYX", "")


# --- money ---------------------------------------------------------------------------------

AMOUNTS = [
    ("4.5万元", "45000.00"),
    ("12.65万", "126500.00"),
    ("¥70000", "70000.00"),
    ("￥70,000.00", "70000.00"),
    ("55000元", "55000.00"),
    ("1,234,567.89", "1234567.89"),
    ("８万", "80000.00"),
    (" 80000.5 ", "80000.50"),
]


@pytest.mark.parametrize(("written", "amount"), AMOUNTS)
def test_money_is_read_in_yuan_or_wan_with_its_unit(written, amount):
    # Given an amount as officers write it, when it is read, then it is exact, in 元.
    assert parse_amount(written) == Decimal(amount)


@pytest.mark.parametrize("written", ["八万", "4-5万", "约5万", "5万左右", "80,00", "1e5", "5万/年"])
def test_ambiguous_money_is_refused_with_how_to_write_it(written):
    # Given text that is no single amount, when it is read, then it is refused, and the
    # message shows how to write one.
    with pytest.raises(AmountError) as caught:
        parse_amount(written)
    assert "4.5万元" in str(caught.value) and "80000.50" in str(caught.value)


async def test_a_list_with_units_publishes_the_amounts_in_yuan(stage):
    # Given rows whose budgets and funding carry units,
    fair = await factories.fair()
    rows = [
        row(stage, **{"预算（元）": "4.5万元", "市级资金": "2.25万", "区级资金": "22500元"}),
        row(stage, **{"预算（元）": "¥70000", "市级资金": None, "区级资金": None}),
        row(
            stage,
            **{"预算（元）": "12.65万", "最少持证社工": 2, "市级资金": None, "区级资金": None},
        ),
    ]
    # when they are imported,
    await import_projects(stage.organizer, fair.id, xlsx(rows))
    # then the amounts are stored in 元, exactly.
    stored = await budgets(fair)
    assert [stored[r["项目编号"]] for r in rows] == [
        Decimal("45000.00"),
        Decimal("70000.00"),
        Decimal("126500.00"),
    ]


async def test_a_header_in_wan_yuan_reads_bare_numbers_as_wan(stage):
    # Given a sheet whose budget column is headed 预算(万元) and holds 4.5,
    fair = await factories.fair()
    values = row(stage, 市级资金=None, 区级资金=None)
    headers = [h for h in HEADERS if h not in ("市级资金", "区级资金")]
    cells = [values[h] for h in headers]
    headers[headers.index("预算（元）")] = "预算(万元)"
    cells[headers.index("预算(万元)")] = 4.5
    # when it is imported, then the budget is 45,000.00.
    await import_projects(stage.organizer, fair.id, saved(sheet_of(headers, [cells])))
    assert (await budgets(fair))[values["项目编号"]] == Decimal("45000.00")


# --- headers, merged cells, titles, totals ---------------------------------------------------


async def test_header_variants_are_read_and_the_opinion_is_not_the_community(stage):
    # Given a sheet with short and bracketed headers, 社区 and 社区/街道意见 side by side,
    fair = await factories.fair()
    values = row(stage, 实施社区="幸福里社区", **{"社区/街道意见": "街道同意。"})
    renamed = {
        "项目编号": "编号",
        "项目名称": "*名称",
        "项目简介": "简介",
        "预算（元）": "预算(元)",
        "实施社区": "社区",
        "服务周期（月）": "服务周期(月)",
    }
    headers = [renamed.get(h, h) for h in HEADERS]
    # when it is imported,
    await import_projects(
        stage.organizer, fair.id, saved(sheet_of(headers, [[values[h] for h in HEADERS]]))
    )
    # then every column lands in its field: the opinion is the opinion, 社区 the community.
    project = await Project.get(fair_id=fair.id, code=values["项目编号"])
    assert project.community == "幸福里社区"
    assert project.community_opinion == "街道同意。"
    assert project.budget == Decimal("80000.50")


async def test_merged_cells_a_title_row_and_a_cover_sheet_are_read_as_people_see_them(stage):
    # Given a workbook whose first sheet is a cover, and whose list has a merged title row,
    # a blank line, the header on row 3, the publisher merged down three rows and a 合计 row,
    fair = await factories.fair()
    rows = [row(stage, 市级资金=None, 区级资金=None) for _ in range(3)]
    book = Workbook()
    cover = book.active
    assert isinstance(cover, Worksheet)
    cover.title = "封面"
    cover.append(["2026年社区服务项目申报材料"])
    sheet = book.create_sheet("Sheet1")
    sheet.append(["2026年某区社区服务项目清单"] + [None] * (len(HEADERS) - 1))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append([])
    sheet.append(list(HEADERS))
    for values in rows:
        sheet.append([values[h] for h in HEADERS])
    column = HEADERS.index("发布单位") + 1
    for r in (5, 6):
        sheet.cell(r, column).value = None  # a merge keeps only its first cell's value
    sheet.merge_cells(start_row=4, start_column=column, end_row=6, end_column=column)
    total = [None] * len(HEADERS)
    total[0], total[HEADERS.index("预算（元）")] = "合计", 241501.5
    sheet.append(total)
    # when it is imported,
    result = await import_projects(stage.organizer, fair.id, saved(book))
    # then the three projects are published, each by the merged publisher,
    assert result.rows == 3
    publishers = await Project.filter(fair_id=fair.id).values_list("publisher_id", flat=True)
    assert publishers == [stage.publisher.id] * 3
    # and the 合计 row is skipped and said so, by its row number on the sheet.
    assert [(n.field, n.message) for n in result.notices] == [
        (["rows", "7"], "第 7 行是合计行，已跳过。")
    ]


async def test_rows_are_numbered_as_the_sheet_shows_them_below_a_title(stage):
    # Given a title row above the header, and a bad budget in the first project row,
    fair = await factories.fair()
    values = row(stage, **{"预算（元）": "约5万"})
    book = sheet_of(["某街道 2026 年项目清单"], [list(HEADERS), [values[h] for h in HEADERS]])
    # when it is imported, then the problem is on row 3, where the sheet shows it.
    refusal = await refused(stage, fair, saved(book))
    assert where(refusal.problems) == [("rows", "3", "预算（元）")]


async def test_ticks_and_crosses_mean_yes_and_no(stage):
    # Given 重点扶持 marked √ on one row and × on another,
    fair = await factories.fair()
    rows = [row(stage, 重点扶持="√"), row(stage, 重点扶持="×")]
    # when they are imported, then the first is key-support and the second is not.
    await import_projects(stage.organizer, fair.id, xlsx(rows))
    marks = dict(await Project.filter(fair_id=fair.id).values_list("code", "key_support"))
    assert [marks[r["项目编号"]] for r in rows] == [True, False]


async def test_a_publishers_full_title_finds_the_name_the_system_knows(stage):
    # Given a row naming its community by the full title 五老村N街道夫子庙N社区居委会,
    fair = await factories.fair()
    title = f"{stage.publisher.name}{stage.community.name}居委会"
    values = row(stage, 发布单位=title)
    # when it is imported,
    result = await import_projects(stage.organizer, fair.id, xlsx([values]))
    # then the community publishes it, and people are told which name was used.
    project = await Project.get(fair_id=fair.id, code=values["项目编号"])
    assert project.publisher_id == stage.community.id
    assert [n.message for n in result.notices] == [
        f"发布单位“{title}”按系统中的“{stage.community.name}”发布。"
    ]


# --- warnings ------------------------------------------------------------------------------


async def upload(client: httpx.AsyncClient, data: bytes, fair: Fair, token: str) -> dict:
    operations = {"query": IMPORT, "variables": {"fair": fair_id(fair), "file": None}}
    form = {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})}
    response = await client.post(
        "/graphql",
        data=form,
        files={"0": ("清单.xlsx", data, "application/octet-stream")},
        headers={"authorization": f"Bearer {token}"},
    )
    client.cookies.clear()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["importProjects"]


async def test_a_social_worker_number_raised_by_the_rules_is_a_warning(client, stage):
    # Given a budget of 268,000 with 1 social worker, and a 合计 row,
    fair = await factories.fair()
    big = row(stage, 最少持证社工=1, 市级资金=None, 区级资金=None, **{"预算（元）": 268000})
    total = {h: None for h in HEADERS} | {"项目编号": "合计", "预算（元）": 268000}
    # when it is uploaded,
    payload = await upload(client, xlsx([big, total]), fair, stage.token)
    # then it is published with 2, and the upload says so, beside the skipped total row.
    assert payload["errors"] == [] and payload["rowCount"] == 1
    assert [w["field"] for w in payload["warnings"]] == [
        ["file", "rows", "2", "最少持证社工"],
        ["file", "rows", "3"],
    ]
    assert "268,000.00" in payload["warnings"][0]["message"]
    assert "由 1 按 2 发布" in payload["warnings"][0]["message"]
    project = await Project.get(fair_id=fair.id, code=big["项目编号"])
    assert project.min_social_workers == 2


async def test_warnings_come_with_a_refusal_too(client, stage):
    # Given a list with a 合计 row and a bad row, when it is uploaded,
    fair = await factories.fair()
    total = {h: None for h in HEADERS} | {"项目名称": "总计"}
    payload = await upload(client, xlsx([row(stage, 实施区=""), total]), fair, stage.token)
    # then the error and the skipped row are both told.
    assert [e["field"] for e in payload["errors"]] == [["file", "rows", "2", "实施区"]]
    assert [w["field"] for w in payload["warnings"]] == [["file", "rows", "3"]]


async def test_publishing_a_pasted_list_warns_of_a_raised_number(gql, stage):
    # Given a project of 150,000 asking for no social worker,
    fair = await factories.fair()
    project = {
        "code": f"PW{factories.RUN}-{factories.next_number()}",
        "title": "青少年课后成长营",
        "description": "为双职工家庭子女提供课后托管。",
        "serviceClass": "CHILDREN",
        "projectType": "PUBLIC_SERVICE",
        "procurement": "COMPETITIVE",
        "budget": "150000.00",
        "servicePeriodMonths": 12,
        "beneficiaries": "青少年 120 人",
        "publisher": to_global_id("Publisher", stage.publisher.id),
        "district": to_global_id("District", stage.district.id),
        "catalogItem": stage.children.code,
        "communityOpinion": "街道同意实施。",
    }
    # when it is published,
    result = await gql(PUBLISH, {"fair": fair_id(fair), "projects": [project]}, stage.token)
    payload = result["data"]["publishProjects"]
    # then it is published with 2 social workers, and the payload says why.
    assert payload["errors"] == []
    assert payload["projects"][0]["minSocialWorkers"] == 2
    assert [w["field"] for w in payload["warnings"]] == [["projects", "0", "minSocialWorkers"]]
