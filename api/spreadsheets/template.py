"""The project-list workbook publishers download and fill in.

It holds the 项目清单 sheet (headers, and drop-down lists on the columns whose values come
from a list: classes, types, procurement, yes/no, districts, catalogue items), the 填写示例
sheet (one filled row, on a sheet of its own so it is never imported by mistake), the
填写说明 sheet (a note for every column) and the 选项列表 sheet the drop-downs read from,
which also shows the catalogue's codes with their names.

The districts and the catalogue come from the database (``template_choices``); the
workbook is then built in one synchronous step, fit for a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from api.catalog.models import SERVICE_CLASS_NAMES, CatalogItem, ServiceClass
from api.places.models import District, Publisher, PublisherKind
from api.projects.publishing import MAX_PROJECTS
from api.spreadsheets.columns import (
    BY_FIELD,
    COLUMNS,
    EXAMPLE_SHEET,
    HEADERS,
    LISTS_SHEET,
    NO,
    NOTES_SHEET,
    PROCUREMENT_NAMES,
    PROJECT_TYPE_NAMES,
    SHEET,
    YES,
)

HEADER_FONT = Font(bold=True)
# Rows of the list sheet the drop-downs cover: the header and as many rows as one import.
LAST_ROW = MAX_PROJECTS + 1


@dataclass(frozen=True)
class Choices:
    """What the drop-downs offer that lives in the database, and a publisher to show."""

    districts: list[str] = field(default_factory=list)
    items: list[tuple[str, str, ServiceClass]] = field(default_factory=list)  # code, name
    publisher: tuple[str, str] | None = None  # (name, district) of a community

    def item_label(self, code: str, name: str) -> str:
        """The catalogue item as the drop-down shows it; the reader takes the code."""
        return f"{code} {name}"


async def template_choices() -> Choices:
    """The districts, the purchasable catalogue items, and a community for the example."""
    districts = await District.all().values_list("name", flat=True)
    items = (
        await CatalogItem.filter(negative_list=False)
        .order_by("code")
        .values_list("code", "name", "service_class")
    )
    communities = (
        await Publisher.filter(kind=PublisherKind.COMMUNITY)
        .order_by("district__sort", "id")
        .limit(1)
        .values_list("name", "district__name")
    )
    community = communities[0] if communities else None
    return Choices(
        districts=[str(d) for d in districts],
        items=[(code, name, ServiceClass(cls)) for code, name, cls in items],
        publisher=(str(community[0]), str(community[1])) if community else None,
    )


def template_workbook(choices: Choices | None = None) -> Workbook:
    """The template; without ``choices`` the district and catalogue drop-downs are left out."""
    choices = choices or Choices()
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SHEET
    write_headers(sheet, HEADERS)
    _example_sheet(book, choices)
    _notes_sheet(book)
    _drop_downs(sheet, _lists_sheet(book, choices))
    return book


def write_headers(sheet: Worksheet, headers: tuple[str, ...]) -> None:
    """The header row, bold and frozen, columns wide enough for Chinese headers."""
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        if cell.column_letter:
            sheet.column_dimensions[cell.column_letter].width = max(
                12, 2 * len(str(cell.value)) + 2
            )
    sheet.freeze_panes = "A2"


def _list_values(choices: Choices) -> dict[str, list[str]]:
    """The values of each drop-down, by the field of the column it serves."""
    return {
        "serviceClass": list(SERVICE_CLASS_NAMES.values()),
        "projectType": list(PROJECT_TYPE_NAMES.values()),
        "procurement": list(PROCUREMENT_NAMES.values()),
        "keySupport": [YES, NO],
        "district": choices.districts,
        "catalogItem": [choices.item_label(code, name) for code, name, _ in choices.items],
    }


def _lists_sheet(book: Workbook, choices: Choices) -> dict[str, str]:
    """The 选项列表 sheet, one list a column; returns each list's range by field."""
    sheet = book.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    for index, (name, values) in enumerate(_list_values(choices).items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(1, index, BY_FIELD[name].header).font = HEADER_FONT
        sheet.column_dimensions[letter].width = 24 if name == "catalogItem" else 14
        for row, value in enumerate(values, start=2):
            sheet.cell(row, index, value)
        if values:
            where = f"${letter}$2:${letter}${len(values) + 1}"
            ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!{where}"
    return ranges


def _drop_downs(sheet: Worksheet, ranges: dict[str, str]) -> None:
    """A list validation on each column with a drop-down: other values are refused (the
    catalogue's only warned of)."""
    for name, formula in ranges.items():
        header = BY_FIELD[name].header
        letter = get_column_letter(HEADERS.index(header) + 1)
        # A catalogue code typed alone (ELD-01) is fine: warn, do not refuse.
        typed_code = name == "catalogItem"
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning" if typed_code else "stop",
            errorTitle=f"{header}无效",
            error=f"请从下拉列表中选择{header}"
            + ("，或只填编码（如 ELD-01）。" if typed_code else "。"),
            showInputMessage=True,
            promptTitle=header,
            prompt="从下拉列表中选择。",
        )
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.add_data_validation(validation)


def _example_sheet(book: Workbook, choices: Choices) -> None:
    """One row filled as it should be, with names and codes that exist in the system."""
    sheet = book.create_sheet(EXAMPLE_SHEET)
    write_headers(sheet, HEADERS)
    elderly = next((i for i in choices.items if i[2] is ServiceClass.ELDERLY), None)
    publisher, district = choices.publisher or ("夫子庙社区", "秦淮区")
    example = {
        "code": "XW-2026-001",
        "title": "社区长者助餐服务项目",
        "description": "辖区 80 岁以上独居老人就餐难，居民议事会提出设立长者助餐点，"
        "提供每日助餐、送餐上门和每月一次健康探访。",
        "serviceClass": SERVICE_CLASS_NAMES[ServiceClass.ELDERLY],
        "projectType": PROJECT_TYPE_NAMES[next(iter(PROJECT_TYPE_NAMES))],
        "procurement": PROCUREMENT_NAMES[next(iter(PROCUREMENT_NAMES))],
        "budget": 120000,
        "minSocialWorkers": 2,
        "servicePeriodMonths": 12,
        "beneficiaries": "辖区 80 岁以上独居老人约 120 人",
        "keySupport": NO,
        "publisher": publisher,
        "district": district,
        "community": publisher if publisher.endswith("社区") else "",
        "catalogItem": choices.item_label(*elderly[:2]) if elderly else "ELD-02",
        "communityOpinion": "经居民议事会讨论，社区居委会同意实施。",
        "cityFunding": 60000,
        "districtFunding": 60000,
        "beneficiaryCount": 120,
        "qualifications": "承接机构须为登记或备案的社会组织。",
    }
    sheet.append([example[c.field] for c in COLUMNS])


def _notes_sheet(book: Workbook) -> None:
    notes = book.create_sheet(NOTES_SHEET)
    notes.append(["列名", "是否必填", "填写说明"])
    for cell in notes[1]:
        cell.font = HEADER_FONT
    for column in COLUMNS:
        notes.append([column.header, "必填" if column.required else "选填", column.note])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 90
    for row in notes.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
