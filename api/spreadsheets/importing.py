"""Importing a project list file onto a fair, through the publishing service.

The file is read and its cells turned into drafts (``reading``, ``rows``); the drafts go
through ``publish_projects`` — the same checks as the API, all or nothing. Its problems,
addressed ``["projects", i, field]`` in the list of clean rows, are addressed back to the
spreadsheet: ``["rows", row number (header = 1), column header]``.

Rows whose cells cannot be read still go through the service's checks (``rows`` explains
the stand-ins); all problems of every row and column come back together, in one pass, and
nothing is written while any remains. What was done on its own — a 合计 row skipped, a
publisher's full title read as its name, a number raised to what the rules require — comes
back as notices, with a refusal as well as with a success.

Who may import is checked before the file is even read, and the parsing (CPU-bound, a
second or more for a large workbook) runs in a worker thread so the server keeps answering.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from api.auth.models import Account, Role
from api.auth.permissions import require
from api.errors import DomainError, Notice, Problem
from api.projects.models import Project
from api.projects.publishing import corrections, publish_projects
from api.spreadsheets.columns import BY_FIELD
from api.spreadsheets.reading import load, read_rows
from api.spreadsheets.rows import Converted, convert, look_up_places

# The service names the first copy of a duplicate code by its 1-based place in the list.
LIST_ROW = re.compile(r"(第 |row )(\d+)")


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    rows: int
    budget: Decimal
    dry_run: bool
    project_ids: list[int]
    seconds: float
    # The published rows themselves, in the file's order (none in a dry run).
    projects: list[Project] = dataclasses.field(default_factory=list, repr=False, compare=False)
    notices: list[Notice] = dataclasses.field(default_factory=list, compare=False)


class ImportRefused(DomainError):
    """A refused import: every problem, and the notices people should see with them."""

    def __init__(self, problems: list[Problem], notices: list[Notice]) -> None:
        super().__init__(problems)
        self.notices = notices


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


async def import_projects(
    actor: Account | None,
    fair_id: int | None,
    source: Path | str | bytes,
    *,
    dry_run: bool = False,
    progress: Progress = _quiet,
    max_bytes: int | None = None,
) -> ImportResult:
    """Publish the file's projects on the fair, or none; raises ``DomainError`` with all.

    ``max_bytes`` is the largest file accepted (default ``reading.MAX_BYTES``).
    """
    started = time.perf_counter()
    require(actor, Role.ORGANIZER, Role.PUBLISHER)  # as publishing: before any parsing
    data = await load(source, max_bytes=max_bytes)
    progress(f"已读取文件 / read: {len(data):,} 字节")
    sheet = await asyncio.to_thread(read_rows, data)
    progress(f"共 {len(sheet.rows):,} 行项目 / rows")
    converted = await asyncio.to_thread(convert, sheet, await look_up_places(sheet))
    progress(f"转换完成 / converted: {len(converted.drafts):,} 行")
    problems = list(converted.problems)
    notices = converted.notices + [_to_sheet(n, converted) for n in corrections(converted.drafts)]
    write = not dry_run and not problems
    progress("校验中 / checking …" if not write else "校验并发布 / checking and publishing …")
    try:
        projects = await publish_projects(actor, fair_id, converted.drafts, dry_run=not write)
    except DomainError as error:
        problems += [_to_sheet(p, converted) for p in error.problems if _news(p, converted)]
    if problems:
        raise ImportRefused(sorted(problems, key=_order), sorted(notices, key=_order))
    budget = sum((d.budget for d in converted.drafts), Decimal("0.00"))
    seconds = time.perf_counter() - started
    ids = [p.id for p in projects]
    notices.sort(key=_order)
    return ImportResult(len(converted.drafts), budget, dry_run, ids, seconds, projects, notices)


def _news(problem: Problem, converted: Converted) -> bool:
    """Whether the service's problem says more than a cell that could not be read."""
    field = problem.field or []
    if len(field) != 3 or field[0] != "projects":
        return True
    return not converted.covers(int(field[1]), field[2])


Addressed = TypeVar("Addressed", Problem, Notice)


def _to_sheet(problem: Addressed, converted: Converted) -> Addressed:
    """A problem (or notice) of the service's list, addressed to the spreadsheet's row and
    column."""
    field = problem.field or []
    if len(field) != 3 or field[0] != "projects":
        return problem  # about the fair, the account or the list as a whole
    number = converted.row_numbers[int(field[1])]
    column = BY_FIELD[field[2]].header if field[2] in BY_FIELD else field[2]
    message = problem.message
    if field[2] == "code":
        message = LIST_ROW.sub(lambda m: f"{m.group(1)}{_sheet_row(m, converted)}", message)
    where = ["rows", str(number), column]
    if isinstance(problem, Notice):
        return Notice(message, where)
    return Problem(problem.code, message, where)


def _sheet_row(match: re.Match[str], converted: Converted) -> int:
    return converted.row_numbers[int(match.group(2)) - 1]


def _order(problem: Problem | Notice) -> tuple[int, int]:
    field = problem.field or []
    if len(field) >= 2 and field[0] == "rows":
        return (int(field[1]), _column_index(field[2]) if len(field) == 3 else -1)
    return (0, 0)


def _column_index(header: str) -> int:
    headers = [c.header for c in BY_FIELD.values()]
    return headers.index(header) if header in headers else len(headers)


def describe(problem: Problem | Notice) -> str:
    """One line for people: 第 N 行「列」：message."""
    field = problem.field or []
    if len(field) == 3 and field[0] == "rows":
        return f"第 {field[1]} 行「{field[2]}」：{problem.message}"
    return problem.message
