"""The blank project-list workbook publishers download and fill in."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from api.spreadsheets.columns import COLUMNS, HEADERS, NOTES_SHEET, SHEET

HEADER_FONT = Font(bold=True)


def template_workbook() -> Workbook:
    """A workbook with the 项目清单 sheet (headers only) and the 填写说明 sheet."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SHEET
    write_headers(sheet, HEADERS)
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
