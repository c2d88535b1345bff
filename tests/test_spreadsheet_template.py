"""The project-list template: drop-down lists read from the database, an example row that
publishes as it is (and is never imported by mistake), and notes that match the data."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
import pytest_asyncio
from openpyxl import load_workbook

from api.auth.models import Account, Role
from api.catalog.models import CatalogItem, ServiceClass
from api.errors import DomainError
from api.places.models import District
from api.spreadsheets.columns import EXAMPLE_SHEET, LISTS_SHEET, NOTES_SHEET, SHEET
from api.spreadsheets.importing import import_projects
from api.spreadsheets.template import template_choices, template_workbook
from tests import factories
from tests.sessions import make_account
from tests.spreadsheet_support import saved


@dataclass
class Stage:
    organizer: Account
    district: District
    elderly: CatalogItem


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stage(app: object) -> Stage:
    home = await factories.district()
    await factories.publisher(home)  # a community, for the example row
    return Stage(
        organizer=await make_account(Role.ORGANIZER),
        district=home,
        elderly=await factories.catalog_item(ServiceClass.ELDERLY),
    )


# --- template ------------------------------------------------------------------------------


async def test_the_template_offers_drop_down_lists_for_its_choice_columns(stage):
    # Given the districts and catalogue of the database, when the template is built,
    book = load_workbook(io.BytesIO(saved(template_workbook(await template_choices()))))
    sheet = book[SHEET]
    # then the choice columns have list validations that read the 选项列表 sheet,
    lists = book[LISTS_SHEET]
    by_column: dict[str, list[str]] = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        header = sheet[f"{column}1"].value
        letter = validation.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
        by_column[header] = [c.value for c in lists[letter][1:] if c.value is not None]
    assert set(by_column) == {"服务类别", "项目类型", "采购方式", "重点扶持", "实施区", "目录编码"}
    assert by_column["服务类别"][0] == "为老服务" and "调解治理" in by_column["服务类别"]
    assert by_column["采购方式"] == ["直接认领", "竞争性评审"]
    assert stage.district.name in by_column["实施区"]
    assert f"{stage.elderly.code} {stage.elderly.name}" in by_column["目录编码"]


async def test_the_templates_example_row_publishes_as_it_is(stage):
    # Given the template's example row copied into the list sheet,
    book = template_workbook(await template_choices())
    example = [c.value for c in book[EXAMPLE_SHEET][2]]
    book[SHEET].append(example)
    fair = await factories.fair()
    # when it is imported, then it publishes with no problem and no warning.
    result = await import_projects(stage.organizer, fair.id, saved(book), dry_run=True)
    assert result.rows == 1 and result.notices == []


async def test_the_template_unchanged_imports_nothing_by_mistake(stage):
    # Given the template as downloaded (its example on a sheet of its own),
    book = template_workbook(await template_choices())
    fair = await factories.fair()
    # when it is imported, then it is refused as empty: the example is never published.
    with pytest.raises(DomainError) as caught:
        await import_projects(stage.organizer, fair.id, saved(book))
    assert "没有项目" in caught.value.problems[0].message


def test_the_notes_ask_for_names_as_the_system_knows_them():
    # When the template's notes are read,
    book = template_workbook()
    notes = {r[0]: r[2] for r in book[NOTES_SHEET].iter_rows(min_row=2, values_only=True)}
    # then the publisher note shows names as the system holds them (夫子庙社区), the
    # money notes show the units accepted, the yes/no note √ and ×.
    assert "夫子庙社区" in notes["发布单位"] and "“XX街道XX社区居委会”" not in notes["发布单位"]
    assert "4.5万元" in notes["预算（元）"] or "8万元" in notes["预算（元）"]
    assert "√" in notes["重点扶持"]
