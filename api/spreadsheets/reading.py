"""Reading a project list file (.xlsx or .csv) into rows of cells, safely.

Every refusal is a ``DomainError(INVALID_INPUT)`` with a Chinese message under the field
``["file"]``: a file too big, not a spreadsheet, malformed, or a zip bomb never reaches
the parser or becomes a 500.

Cells come back as the parser gives them (``str``, ``int``, ``float``, dates, ``None``);
turning them into project fields is ``api.spreadsheets.rows``.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiofiles
import aiofiles.os
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from api.errors import DomainError, ErrorCode, Notice
from api.projects.publishing import MAX_PROJECTS
from api.settings import DEFAULT_MAX_UPLOAD_BYTES
from api.spreadsheets.columns import COLUMNS, EXAMPLE_SHEET, LISTS_SHEET, NOTES_SHEET, SHEET
from api.spreadsheets.headers import MARKS, Header, read_header

# The default limit; an upload's limit is the setting ``SHEQIA_MAX_UPLOAD_BYTES``.
MAX_BYTES = DEFAULT_MAX_UPLOAD_BYTES
# As many rows as one publication takes.
MAX_ROWS = MAX_PROJECTS
# What a .xlsx may unpack to: generous for 10,000 rows of text, far below a zip bomb.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 1_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) format
# Sheets looked for, in order: the template's, then the results workbook's projects sheet.
SHEETS = (SHEET, "项目")
# The template's own sheets that hold no list to import, read only if nothing else is there.
ASIDE_SHEETS = (NOTES_SHEET, EXAMPLE_SHEET, LISTS_SHEET)
# Where the header row is looked for (a title, a date line or a note may stand above it),
# and how many of the list's columns it must name.
HEADER_SEARCH = 20
HEADER_MATCHES = 2
# A row summing the list, recognised in its first columns.
TOTAL_WORDS = ("合计", "总计", "小计", "共计")
TOTAL_COLUMNS = 5
ENCODINGS = ("utf-8-sig", "gb18030")

Cell = object


@dataclass
class SheetRows:
    """The header row (each cell as the template's header of its column, "" when it is no
    column of the list), the data rows with their row numbers as people see them, the
    columns whose amounts are in 万元, and what was skipped on the way."""

    headers: list[str]
    rows: list[tuple[int, dict[str, Cell]]]
    ten_thousands: set[str] = field(default_factory=set)
    notices: list[Notice] = field(default_factory=list)


def refuse(message: str) -> DomainError:
    return DomainError.one(ErrorCode.INVALID_INPUT, message, ["file"])


async def load(source: Path | str | bytes, *, max_bytes: int | None = None) -> bytes:
    """The file's bytes, read asynchronously; refused beyond ``max_bytes`` (default
    ``MAX_BYTES``) before reading."""
    limit = max_bytes or MAX_BYTES
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            size = (await aiofiles.os.stat(path)).st_size
        except OSError as exc:
            raise refuse(f"无法读取文件：{path.name}。") from exc
        _check_size(size, limit)
        async with aiofiles.open(path, "rb") as file:
            data = await file.read(limit + 1)
    _check_size(len(data), limit)
    return data


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise refuse(f"文件超过 {size_text(limit)}，请分批导入。")
    if size == 0:
        raise refuse("文件是空的。")


def size_text(limit: int) -> str:
    """A byte limit as people read it: "10 MB", "512 KB"."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{max(limit // 1024, 1)} KB"


def read_rows(data: bytes) -> SheetRows:
    """The rows of an .xlsx (recognised by its zip signature) or of a CSV."""
    if data.startswith(OLE_MAGIC):
        raise refuse("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。")
    raw = _xlsx_rows(data) if data.startswith(ZIP_MAGIC) else _csv_rows(data)
    return _with_headers(raw)


# --- .xlsx ---------------------------------------------------------------------------


def _xlsx_rows(data: bytes) -> Iterator[tuple[Cell, ...]]:
    """The rows of the sheet holding the list: the template's sheet by name, else the first
    sheet with a project-list header (a cover or instructions sheet may come first).

    The workbook is read in full (not read-only) because only then does openpyxl give the
    merged cells, whose value people see on every row of the merge but the file holds once.
    """
    _check_zip(data)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:
        # openpyxl fails on a damaged workbook with many kinds of error (zip, XML, key).
        raise refuse("文件已损坏或不是有效的 Excel 工作簿（.xlsx）。") from exc
    try:
        if not book.sheetnames:
            raise refuse("工作簿中没有工作表。")
        return iter(_list_rows(book))
    except DomainError:
        raise
    except Exception as exc:
        raise refuse("文件已损坏或不是有效的 Excel 工作簿（.xlsx）。") from exc
    finally:
        book.close()


def _list_rows(book: Workbook) -> list[tuple[Cell, ...]]:
    """The rows of the first sheet, in ``_sheet_order``, that has a header; else of the
    first sheet (whose missing header is then reported)."""
    first: list[tuple[Cell, ...]] | None = None
    for name in _sheet_order(book.sheetnames):
        rows = _filled_down(book[name])
        if _header_index(rows) is not None:
            return rows
        first = rows if first is None else first
    return first or []


def _sheet_order(names: list[str]) -> list[str]:
    """The template's sheet first, then the others, the template's own notes last."""
    named = [n for n in SHEETS if n in names]
    asides = [n for n in names if n in ASIDE_SHEETS]
    return named + [n for n in names if n not in named and n not in asides] + asides


def _filled_down(sheet: Worksheet) -> list[tuple[Cell, ...]]:
    """The sheet's rows, every cell of a merged range holding the range's value."""
    rows = [list(r) for r in _bounded(sheet.iter_rows(values_only=True))]
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
            line = rows[r - 1]
            for c in range(merged.min_col, min(merged.max_col, len(line)) + 1):
                line[c - 1] = value
    return [tuple(r) for r in rows]


def _check_zip(data: bytes) -> None:
    """Refuse a zip that declares more than ``MAX_UNPACKED_BYTES`` before anything unpacks it.

    Python's zip reader never yields more than a member's declared size, so the declared
    sizes bound what openpyxl can be made to decompress.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise refuse("文件已损坏或不是有效的 Excel 工作簿（.xlsx）。") from exc
    unpacked = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise refuse("文件解压后过大，疑似恶意压缩文件，已拒绝。")


# --- .csv ----------------------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[tuple[Cell, ...]]:
    text = _decode(data)
    try:
        rows = list(_bounded(tuple(r) for r in csv.reader(io.StringIO(text, newline=""))))
    except csv.Error as exc:
        raise refuse(f"CSV 文件格式有误：{exc}。") from exc
    return iter(rows)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030; anything binary is not a CSV."""
    if b"\x00" in data or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise refuse("不是表格文件：请上传 .xlsx，或 UTF-8 / GB18030 编码的 .csv 文件。")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise refuse("无法识别文件编码：CSV 文件请使用 UTF-8 或 GB18030（GBK）编码。")


# --- rows ----------------------------------------------------------------------------


def _bounded(rows: Iterable[tuple[Cell, ...]]) -> Iterator[tuple[Cell, ...]]:
    """The rows, refused past the header, a title above it and ``MAX_ROWS`` filled rows.

    Empty rows are not counted: a sheet formatted far down yields many of them, and what
    they can cost is already bounded by the file's size and unpacked size.
    """
    filled = 0
    for row in rows:
        if any(_filled(v) for v in row):
            filled += 1
            if filled > MAX_ROWS + HEADER_SEARCH:
                raise refuse(f"一次最多导入 {MAX_ROWS} 行，请分批导入。")
        yield row


def _header_index(rows: list[tuple[Cell, ...]]) -> int | None:
    """The index of the header row among the first ``HEADER_SEARCH`` rows: the row naming
    most of the list's columns (at least ``HEADER_MATCHES``); rows above it are a title."""
    best, best_count = None, HEADER_MATCHES - 1
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        count = len({h.column for h in map(read_header, row) if h.column})
        if count > best_count:
            best, best_count = index, count
    return best


def _with_headers(raw: Iterator[tuple[Cell, ...]]) -> SheetRows:
    rows = list(raw)
    index = _header_index(rows)
    if index is None:
        raise refuse(
            f"前 {HEADER_SEARCH} 行中找不到项目清单的表头（项目编号、项目名称、预算等列名）："
            "请使用下载的模板填写。"
        )
    read = [read_header(h) for h in rows[index]]
    headers = _first_of_each(read)
    missing = [c.header for c in COLUMNS if c.required and c.header not in headers]
    if missing:
        raise refuse(f"缺少必填列：{'、'.join(missing)}。")
    sheet = SheetRows(headers, [], {h.column for h in read if h.column and h.in_ten_thousands})
    for number, values in enumerate(rows[index + 1 :], start=index + 2):
        cells = {h: v for h, v in zip(headers, values, strict=False) if h}
        if not any(_filled(v) for v in cells.values()):
            continue
        if _is_total(values):
            sheet.notices.append(Notice(f"第 {number} 行是合计行，已跳过。", ["rows", str(number)]))
            continue
        sheet.rows.append((number, cells))
        if len(sheet.rows) > MAX_ROWS:
            raise refuse(f"一次最多导入 {MAX_ROWS} 行，请分批导入。")
    if not sheet.rows:
        raise refuse("文件中没有项目：表头下面没有填写任何一行。")
    return sheet


def _first_of_each(read: list[Header]) -> list[str]:
    """The template header of each column; a column named twice counts where it comes
    first (the other copy is left out, as an unknown column is)."""
    seen: set[str] = set()
    headers = []
    for header in read:
        column = header.column if header.column not in seen else None
        headers.append(column or "")
        if column:
            seen.add(column)
    return headers


def _is_total(values: tuple[Cell, ...]) -> bool:
    """A row summing the list (合计, 总计, 小计), which is no project."""
    return any(
        isinstance(v, str) and MARKS.sub("", v) in TOTAL_WORDS for v in values[:TOTAL_COLUMNS]
    )


def _filled(value: Cell) -> bool:
    return value is not None and str(value).strip() != ""
