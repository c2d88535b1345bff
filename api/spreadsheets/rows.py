"""Turning the cells of a project list into ``ProjectDraft`` rows.

Only what a spreadsheet adds is checked here: that a cell can be read as the field's type
(a number, one of the Chinese choices, a name that exists). The rules of publishing
(lengths, ranges, funding, catalogue, permissions) stay in ``api.projects.publishing``.

A row whose cells cannot all be read still goes through publishing's checks, with a
neutral stand-in for each unreadable cell; what those checks then say about the stand-ins
(or about cells that depend on them) is dropped, so every problem of every row and column
comes back in one pass and none is reported twice.

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
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from api.catalog.models import ServiceClass
from api.db import fitting
from api.errors import ErrorCode, Notice, Problem
from api.places.models import District, Publisher
from api.projects.models import Procurement, ProjectType
from api.projects.publishing import CHUNK, EMPTY_CATALOG_ITEM, ProjectDraft
from api.spreadsheets.amounts import AmountError, parse_amount
from api.spreadsheets.columns import (
    BY_FIELD,
    NO,
    PROCUREMENTS,
    PROJECT_TYPES,
    SERVICE_CLASSES,
    YES,
)
from api.spreadsheets.publisher_names import variants
from api.spreadsheets.reading import Cell, SheetRows

T = TypeVar("T")
BOOLEANS = {
    **dict.fromkeys((YES, "Y", "YES", "TRUE", "1", "√", "✓", "✔", "☑", "有"), True),
    **dict.fromkeys((NO, "N", "NO", "FALSE", "0", "×", "✗", "✘", "☐", "无"), False),
}
# Fields checked by publishing against other fields: a problem of the first says nothing
# new when one of the second could not be read (it compared with a stand-in).
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "catalogItem": ("serviceClass",),
    "cityFunding": ("budget", "districtFunding"),
    "districtFunding": ("budget", "cityFunding"),
    "district": ("publisher",),
    "publisher": ("district",),
    "minSocialWorkers": ("budget",),
}
# Stand-ins for unreadable cells, so the rest of the row can still be checked.
STAND_IN_BUDGET = Decimal("1.00")
STAND_IN_PERIOD = 12


@dataclass(frozen=True)
class Places:
    """Publishers and districts by name, looked up once for the whole file."""

    publishers: dict[str, list[tuple[int, int]]]  # name → [(id, district id)]
    districts: dict[str, int]


@dataclass
class Converted:
    """Every row as a draft (stand-ins where a cell could not be read), with its row number,
    the fields that could not be read, the problems of those cells and what was noticed."""

    drafts: list[ProjectDraft] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    unreadable: list[set[str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def covers(self, index: int, name: str) -> bool:
        """Whether a check of ``name`` on row ``index`` only repeats a reading problem."""
        bad = self.unreadable[index]
        return name in bad or any(d in bad for d in DEPENDS_ON.get(name, ()))


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


def catalog_code(shown: str) -> str:
    """The code of a catalogue cell: the template's drop-down gives "ELD-01 居家养老服务"."""
    return next(iter(shown.split()), "")


async def look_up_places(sheet: SheetRows) -> Places:
    written = {text(c.get(BY_FIELD["publisher"].header)) for _, c in sheet.rows}
    publisher_names = sorted({v for name in written if name for v in variants(name)})
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
    """Every row as a draft; a problem for every cell that cannot be read."""
    result = Converted(notices=list(sheet.notices))
    for number, cells in sheet.rows:
        row = _Row(number, cells, places, sheet.ten_thousands)
        result.drafts.append(row.draft())
        result.row_numbers.append(number)
        result.unreadable.append(row.unreadable)
        result.problems += row.problems
        result.notices += row.notices
    return result


class _Row:
    """One spreadsheet row read field by field; unreadable cells become problems."""

    def __init__(
        self, number: int, cells: dict[str, Cell], places: Places, ten_thousands: set[str]
    ) -> None:
        self.number = number
        self.cells = cells
        self.places = places
        self.ten_thousands = ten_thousands
        self.problems: list[Problem] = []
        self.notices: list[Notice] = []
        self.unreadable: set[str] = set()

    def where(self, name: str) -> list[str]:
        return ["rows", str(self.number), BY_FIELD[name].header]

    def problem(self, name: str, message: str, code: ErrorCode = ErrorCode.INVALID_INPUT) -> None:
        self.unreadable.add(name)
        self.problems.append(Problem(code, message, self.where(name)))

    def raw(self, name: str) -> Cell:
        return self.cells.get(BY_FIELD[name].header)

    def text(self, name: str) -> str:
        return text(self.raw(name))

    def draft(self) -> ProjectDraft:
        district_id = self.district()
        return ProjectDraft(
            code=self.text("code"),
            title=self.text("title"),
            description=self.text("description"),
            service_class=ServiceClass(self.choice("serviceClass", SERVICE_CLASSES)),
            project_type=ProjectType(self.choice("projectType", PROJECT_TYPES)),
            procurement=Procurement(self.choice("procurement", PROCUREMENTS)),
            budget=_or(self.money("budget", required=True), STAND_IN_BUDGET),
            service_period_months=_or(
                self.integer("servicePeriodMonths", required=True), STAND_IN_PERIOD
            ),
            beneficiaries=self.text("beneficiaries"),
            publisher_id=self.publisher(district_id),
            district_id=district_id,
            catalog_item=self.catalog_item(),
            min_social_workers=self.integer("minSocialWorkers"),
            key_support=self.yes_no("keySupport"),
            community=self.text("community") or None,
            community_opinion=self.text("communityOpinion"),
            city_funding=self.money("cityFunding"),
            district_funding=self.money("districtFunding"),
            beneficiary_count=self.integer("beneficiaryCount"),
            qualifications=self.text("qualifications"),
        )

    def catalog_item(self) -> str:
        code = catalog_code(self.text("catalogItem"))
        if not code:
            # Said here, not by publishing's checks: those depend on the class, which may
            # be unreadable too, and an empty code is wrong whatever the class.
            self.problem("catalogItem", EMPTY_CATALOG_ITEM)
        return code

    def choice(self, name: str, names: dict[str, StrEnum]) -> StrEnum:
        """The value named by the cell; the first value as a stand-in when it names none."""
        value = self.text(name)
        found = names.get(value) or names.get(value.upper())
        if not value:
            self.problem(name, f"{BY_FIELD[name].header}不能为空，应为：{_allowed(names)}。")
        elif found is None:
            self.problem(
                name, f"“{value}”不是有效的{BY_FIELD[name].header}，应为：{_allowed(names)}。"
            )
        return found or next(iter(names.values()))

    def money(self, name: str, *, required: bool = False) -> Decimal | None:
        value = self.raw(name)
        if isinstance(value, float):
            value = repr(value)  # see the module's note: exact, never via binary float math
        shown = text(value)
        if not shown:
            if required:
                self.problem(name, f"{BY_FIELD[name].header}不能为空。")
            return None
        try:
            return parse_amount(shown, in_ten_thousands=BY_FIELD[name].header in self.ten_thousands)
        except AmountError as error:
            self.problem(name, str(error))
            return None

    def integer(self, name: str, *, required: bool = False) -> int | None:
        shown = self.text(name)
        if not shown:
            if required:
                self.problem(name, f"{BY_FIELD[name].header}不能为空。")
            return None
        number = shown.removesuffix("个月").removesuffix("月").removesuffix("人").strip()
        try:
            return int(number)
        except ValueError:
            self.problem(name, f"{BY_FIELD[name].header}必须是整数，现为“{shown}”。")
            return None

    def yes_no(self, name: str) -> bool:
        shown = self.text(name)
        if not shown:
            return False
        found = BOOLEANS.get(shown.upper())
        if found is None:
            self.problem(
                name, f"{BY_FIELD[name].header}只能填“{YES}”或“{NO}”（或 √ / ×），现为“{shown}”。"
            )
            return False
        return found

    def district(self) -> int | None:
        name = self.text("district")
        if not name:
            self.problem("district", "实施区不能为空，请填写区的名称，如“玄武区”。")
            return None
        found = self.places.districts.get(name)
        if found is None:
            self.problem("district", f"没有名为“{name}”的区。", ErrorCode.NOT_FOUND)
        return found

    def publisher(self, district_id: int | None) -> int | None:
        written = self.text("publisher")
        if not written:
            self.problem("publisher", "发布单位不能为空。")
            return None
        for name in variants(written):
            found = self.places.publishers.get(name, [])
            if len(found) > 1:
                # The same name in several districts: the row's district tells them apart.
                found = [p for p in found if p[1] == district_id]
            if len(found) > 1:
                self.problem("publisher", f"有多个名为“{name}”的发布单位，请核对实施区。")
                return None
            if found:
                if name != written:
                    said = f"发布单位“{written}”按系统中的“{name}”发布。"
                    self.notices.append(Notice(said, self.where("publisher")))
                return found[0][0]
        self.problem(
            "publisher",
            f"没有名为“{written}”的发布单位：请填写系统中的名称，如“夫子庙社区”“大光路街道”。",
            ErrorCode.NOT_FOUND,
        )
        return None


def _or(value: T | None, stand_in: T) -> T:
    return stand_in if value is None else value


def _allowed(names: dict[str, StrEnum]) -> str:
    """The Chinese names of the choices (the codes are accepted but not advertised)."""
    shown: dict[StrEnum, str] = {}
    for name, value in names.items():
        if not name.isascii():
            shown.setdefault(value, name)
    return "/".join(shown.values())
