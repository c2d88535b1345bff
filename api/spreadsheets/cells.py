"""Sheets of an exported workbook as plain data, and the cells they become in openpyxl.

The rows are gathered from the database first (``Sheet``); the workbook is built from them
in one synchronous step, so a web request can run that CPU-bound step in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

from api.money import from_fen
from api.settings import city_zone
from api.spreadsheets.template import write_headers

MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Sheet:
    """One sheet to write: its name, header row and data rows."""

    name: str
    headers: tuple[str, ...]
    rows: list[list[Any]]


def build(sheets: Sequence[Sheet]) -> Workbook:
    """A workbook with ``sheets`` in order; money shown as ``#,##0.00``."""
    book = Workbook()
    first = book.active
    assert isinstance(first, Worksheet)
    book.remove(first)
    for sheet in sheets:
        fill(book.create_sheet(sheet.name), sheet.headers, sheet.rows)
    return book


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx file of ``sheets`` (CPU-bound: run it in a thread from async code)."""
    return saved(build(sheets))


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fill(sheet: Worksheet, headers: tuple[str, ...], rows: list[list[Any]]) -> None:
    write_headers(sheet, headers)
    for row in rows:
        sheet.append([_printable(value) for value in row])
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif cell.data_type == "f":
                # Text people typed is text: a title such as "=HYPERLINK(…)" must not
                # become a live formula in an official's spreadsheet (formula injection),
                # and it reads back as the same text on re-import.
                cell.data_type = "s"


def _printable(value: Any) -> Any:
    """Text without the control characters an .xlsx file cannot hold (they would make
    the whole export fail); other values as they are."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def money(value: Any) -> Decimal | None:
    """A money column as ``values()`` gives it: ``Decimal`` or, through a join, fen."""
    if value is None or isinstance(value, Decimal):
        return value
    return from_fen(int(value))


def day(value: datetime | date | None) -> date | None:
    """A date as the city reads it (Excel has no time zones)."""
    if isinstance(value, datetime):
        return value.astimezone(city_zone()).date()
    return value


def moment(value: datetime | None) -> datetime | None:
    """A time as the city reads it, without an offset (Excel cannot store one)."""
    if value is None:
        return None
    return value.astimezone(city_zone()).replace(tzinfo=None)
