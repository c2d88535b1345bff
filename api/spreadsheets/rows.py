"""Turning the cells of a project list into ``ProjectDraft`` rows.

Only what a spreadsheet adds is checked here: that a cell can be read as the field's type
(a number, one of the Chinese choices, a name that exists). The rules of publishing
(lengths, ranges, funding, catalogue, permissions) stay in ``api.projects.publishing``.

Money is never taken through binary floating point on purpose. A numeric cell of an .xlsx
reaches us as the ``float`` openpyxl parsed from the file's decimal text; ``repr`` of that
float is the shortest text that parses back to it, which is the text Excel wrote for any
amount of up to 15 significant digits. So ``Decimal(repr(value))`` recovers 80000.5 as
``80000.5`` and a typed 80000.123 as ``80000.123`` (refused by publishing for its third
decimal), never 80000.12299999… . Text cells and CSV cells are parsed from their text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from api.catalog.models import ServiceClass
from api.db import fitting
from api.errors import ErrorCode, Problem
from api.places.models import District, Publisher
from api.projects.models import Procurement, ProjectType
from api.projects.publishing import CHUNK, ProjectDraft
from api.spreadsheets.columns import (
    BY_FIELD,
    NO,
    PROCUREMENTS,
    PROJECT_TYPES,
    SERVICE_CLASSES,
    YES,
)
from api.spreadsheets.reading import Cell, SheetRows

BOOLEANS = {YES: True, NO: False, "Y": True, "N": False, "TRUE": True, "FALSE": False}


@dataclass(frozen=True)
class Places:
    """Publishers and districts by name, looked up once for the whole file."""

    publishers: dict[str, list[tuple[int, int]]]  # name → [(id, district id)]
    districts: dict[str, int]


@dataclass
class Converted:
    """The rows that became drafts (with their row numbers) and the cells that did not."""

    drafts: list[ProjectDraft] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def text(value: Cell) -> str:
    """A cell as people read it: integral numbers without ``.0``, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


async def look_up_places(sheet: SheetRows) -> Places:
    publisher_names = sorted({text(c.get(BY_FIELD["publisher"].header)) for _, c in sheet.rows})
    district_names = sorted({text(c.get(BY_FIELD["district"].header)) for _, c in sheet.rows})
    publishers: dict[str, list[tuple[int, int]]] = {}
    for chunk in _chunks(publisher_names, Publisher):
        found = await Publisher.filter(name__in=chunk).values_list("id", "name", "district_id")
        for pk, name, district_id in found:
            publishers.setdefault(name, []).append((pk, district_id))
    districts: dict[str, int] = {}
    for chunk in _chunks(district_names, District):
        found = await District.filter(name__in=chunk).values_list("name", "id")
        districts.update({name: pk for name, pk in found})
    return Places(publishers, districts)


def _chunks(names: list[str], model: type[Publisher | District]) -> Iterable[list[str]]:
    # A name longer than the column names nothing (and Tortoise would refuse the filter).
    names = [n for n in fitting(model, "name", names) if n]
    for start in range(0, len(names), CHUNK):
        yield names[start : start + CHUNK]


def convert(sheet: SheetRows, places: Places) -> Converted:
    """Every row that reads cleanly as a draft; a problem for every cell that does not."""
    result = Converted()
    for number, cells in sheet.rows:
        row = _Row(number, cells, places)
        draft = row.draft()
        if row.problems:
            result.problems += row.problems
        elif draft is not None:
            result.drafts.append(draft)
            result.row_numbers.append(number)
    return result


class _Row:
    """One spreadsheet row read field by field; unreadable cells become problems."""

    def __init__(self, number: int, cells: dict[str, Cell], places: Places) -> None:
        self.number = number
        self.cells = cells
        self.places = places
        self.problems: list[Problem] = []

    def problem(self, name: str, message: str, code: ErrorCode = ErrorCode.INVALID_INPUT) -> None:
        header = BY_FIELD[name].header
        self.problems.append(Problem(code, message, ["rows", str(self.number), header]))

    def raw(self, name: str) -> Cell:
        return self.cells.get(BY_FIELD[name].header)

    def text(self, name: str) -> str:
        return text(self.raw(name))

    def draft(self) -> ProjectDraft | None:
        service_class = self.choice("serviceClass", SERVICE_CLASSES)
        project_type = self.choice("projectType", PROJECT_TYPES)
        procurement = self.choice("procurement", PROCUREMENTS)
        budget = self.money("budget", required=True)
        period = self.integer("servicePeriodMonths", required=True)
        district_id = self.district()
        publisher_id = self.publisher(district_id)
        min_workers = self.integer("minSocialWorkers")
        key_support = self.yes_no("keySupport")
        city = self.money("cityFunding")
        district = self.money("districtFunding")
        count = self.integer("beneficiaryCount")
        if self.problems:
            return None
        assert service_class is not None and project_type is not None
        assert procurement is not None and budget is not None and period is not None
        return ProjectDraft(
            code=self.text("code"),
            title=self.text("title"),
            description=self.text("description"),
            service_class=ServiceClass(service_class),
            project_type=ProjectType(project_type),
            procurement=Procurement(procurement),
            budget=budget,
            service_period_months=period,
            beneficiaries=self.text("beneficiaries"),
            publisher_id=publisher_id,
            district_id=district_id,
            catalog_item=self.text("catalogItem"),
            min_social_workers=min_workers,
            key_support=key_support,
            community=self.text("community") or None,
            community_opinion=self.text("communityOpinion"),
            city_funding=city,
            district_funding=district,
            beneficiary_count=count,
            qualifications=self.text("qualifications"),
        )

    def choice(self, name: str, names: dict[str, StrEnum]) -> StrEnum | None:
        value = self.text(name)
        if not value:
            self.problem(name, f"{BY_FIELD[name].header}不能为空。")
            return None
        found = names.get(value) or names.get(value.upper())
        if found is None:
            allowed = "/".join(k for k in names if not k.isascii())
            self.problem(name, f"“{value}”不是有效的{BY_FIELD[name].header}，应为：{allowed}。")
        return found

    def money(self, name: str, *, required: bool = False) -> Decimal | None:
        value = self.raw(name)
        if isinstance(value, float):
            value = repr(value)  # see the module's note: exact, never via binary float math
        shown = text(value).replace(",", "").replace("，", "")
        if not shown:
            if required:
                self.problem(name, f"{BY_FIELD[name].header}不能为空。")
            return None
        try:
            amount = Decimal(shown)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            self.problem(name, f"{BY_FIELD[name].header}必须是数字（元），现为“{text(value)}”。")
            return None
        return amount

    def integer(self, name: str, *, required: bool = False) -> int | None:
        shown = self.text(name)
        if not shown:
            if required:
                self.problem(name, f"{BY_FIELD[name].header}不能为空。")
            return None
        try:
            return int(shown)
        except ValueError:
            self.problem(name, f"{BY_FIELD[name].header}必须是整数，现为“{shown}”。")
            return None

    def yes_no(self, name: str) -> bool:
        shown = self.text(name)
        if not shown:
            return False
        found = BOOLEANS.get(shown.upper())
        if found is None:
            self.problem(name, f"{BY_FIELD[name].header}只能填“{YES}”或“{NO}”，现为“{shown}”。")
            return False
        return found

    def district(self) -> int | None:
        name = self.text("district")
        if not name:
            self.problem("district", "实施区不能为空。")
            return None
        found = self.places.districts.get(name)
        if found is None:
            self.problem("district", f"没有名为“{name}”的区。", ErrorCode.NOT_FOUND)
        return found

    def publisher(self, district_id: int | None) -> int | None:
        name = self.text("publisher")
        if not name:
            self.problem("publisher", "发布单位不能为空。")
            return None
        found = self.places.publishers.get(name, [])
        if len(found) > 1:
            # The same name in several districts: the row's district tells them apart.
            found = [p for p in found if p[1] == district_id]
        if not found:
            self.problem("publisher", f"没有名为“{name}”的发布单位。", ErrorCode.NOT_FOUND)
            return None
        if len(found) > 1:
            self.problem("publisher", f"有多个名为“{name}”的发布单位，请核对实施区。")
            return None
        return found[0][0]
