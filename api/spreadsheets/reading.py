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
from dataclasses import dataclass
from pathlib import Path

import aiofiles
import aiofiles.os

from api.errors import DomainError, ErrorCode
from api.projects.publishing import MAX_PROJECTS
from api.settings import DEFAULT_MAX_UPLOAD_BYTES
from api.spreadsheets.columns import BY_HEADER, COLUMNS, SHEET

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
ENCODINGS = ("utf-8-sig", "gb18030")

Cell = object


@dataclass(frozen=True)
class SheetRows:
    """The header row and the data rows, each with its row number as people see it."""

    headers: list[str]
    rows: list[tuple[int, dict[str, Cell]]]


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
    _check_zip(data)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        # openpyxl fails on a damaged workbook with many kinds of error (zip, XML, key).
        raise refuse("文件已损坏或不是有效的 Excel 工作簿（.xlsx）。") from exc
    try:
        names = book.sheetnames
        name = next((n for n in SHEETS if n in names), names[0] if names else None)
        if name is None:
            raise refuse("工作簿中没有工作表。")
        rows = list(_bounded(book[name].iter_rows(values_only=True)))
    except DomainError:
        raise
    except Exception as exc:
        raise refuse("文件已损坏或不是有效的 Excel 工作簿（.xlsx）。") from exc
    finally:
        book.close()
    return iter(rows)


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
    """The rows, refused past the header and ``MAX_ROWS`` filled rows.

    Empty rows are not counted: a sheet formatted far down yields many of them, and what
    they can cost is already bounded by the file's size and unpacked size.
    """
    filled = 0
    for row in rows:
        if any(_filled(v) for v in row):
            filled += 1
            if filled > MAX_ROWS + 1:
                raise refuse(f"一次最多导入 {MAX_ROWS} 行，请分批导入。")
        yield row


def _with_headers(raw: Iterator[tuple[Cell, ...]]) -> SheetRows:
    header_row = next(raw, None)
    headers = [_header(h) for h in header_row or ()]
    if not any(h in BY_HEADER for h in headers):
        raise refuse("第 1 行不是项目清单的表头：请使用下载的模板填写。")
    missing = [c.header for c in COLUMNS if c.required and c.header not in headers]
    if missing:
        raise refuse(f"缺少必填列：{'、'.join(missing)}。")
    rows = []
    for number, values in enumerate(raw, start=2):
        cells = {h: v for h, v in zip(headers, values, strict=False) if h in BY_HEADER}
        if any(_filled(v) for v in cells.values()):
            rows.append((number, cells))
    if not rows:
        raise refuse("文件中没有项目：表头下面没有填写任何一行。")
    return SheetRows(headers, rows)


def _header(value: Cell) -> str:
    return str(value).strip() if value is not None else ""


def _filled(value: Cell) -> bool:
    return value is not None and str(value).strip() != ""
