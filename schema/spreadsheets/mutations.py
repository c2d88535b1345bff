"""Importing a project list file: ``importProjects`` (a GraphQL multipart upload).

The file arrives as a multipart part, which the form parser has already spooled to a
temporary file (in memory while small); it is read here without blocking the event loop
and handed, bounded by ``SHEQIA_MAX_UPLOAD_BYTES``, to the import service used by the
command line: the same checks, all rows or none.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, TypeVar

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from api.auth.models import Account, Role
from api.auth.permissions import require
from api.errors import DomainError, Notice, Problem
from api.spreadsheets.importing import ImportRefused, ImportResult, import_projects
from api.spreadsheets.reading import refuse, size_text
from schema.context import Info
from schema.errors import user_errors, user_notices
from schema.projects.types import Project
from schema.relay import pk_or_none
from schema.spreadsheets.types import ImportProjectsPayload


@strawberry.type
class SpreadsheetsMutation:
    @strawberry.mutation(
        description="从 .xlsx 或 .csv 文件发布项目清单（GraphQL multipart 上传，文件变量名 "
        "file）：全部发布或全部不发布，每个有问题的单元格按行号和列名报告；dryRun 只检查不"
        "写入。主办方可用；发布单位只能发布本单位的项目。模板见 /downloads/template.xlsx。"
        " Publish a project list from a spreadsheet upload, all or nothing."
    )
    async def import_projects(
        self,
        info: Info,
        fair: Annotated[strawberry.ID, strawberry.argument(description="届次。The fair.")],
        file: Annotated[
            Upload, strawberry.argument(description="项目清单文件（.xlsx 或 .csv）。The file.")
        ],
        dry_run: Annotated[
            bool | None,
            strawberry.argument(description="只检查，不写入。Check only, write nothing."),
        ] = False,
    ) -> ImportProjectsPayload:
        limit = info.context.settings.max_upload_bytes
        dry_run = bool(dry_run)  # null, as omitted: a real import
        try:
            result = await _import(info.context.account, fair, file, dry_run, limit)
        except DomainError as refusal:
            errors = user_errors(DomainError([_on_form(p) for p in refusal.problems]))
            notices = refusal.notices if isinstance(refusal, ImportRefused) else []
            return ImportProjectsPayload(
                errors=errors,
                warnings=user_notices([_on_form(n) for n in notices]),
                row_count=0,
                total_budget=Decimal("0.00"),
                dry_run=dry_run,
                projects=[],
            )
        return ImportProjectsPayload(
            errors=[],
            warnings=user_notices([_on_form(n) for n in result.notices]),
            row_count=result.rows,
            total_budget=result.budget,
            dry_run=result.dry_run,
            projects=[Project.from_row(p) for p in result.projects],
        )


async def _import(
    account: Account | None, fair: str, file: object, dry_run: bool, limit: int
) -> ImportResult:
    # Who may import is settled before the upload is even read.
    actor = require(account, Role.ORGANIZER, Role.PUBLISHER)
    data = await _read(file, limit)
    return await import_projects(
        actor, pk_or_none(fair, "Fair"), data, dry_run=dry_run, max_bytes=limit
    )


async def _read(file: object, limit: int) -> bytes:
    """The upload's bytes, at most one past ``limit`` (the service then refuses the size)."""
    if not isinstance(file, UploadFile):
        # A JSON request can put any value where the file belongs.
        raise refuse("请以 multipart 请求上传文件（.xlsx 或 .csv）。Upload a file.")
    if file.size is not None and file.size > limit:
        raise refuse(f"文件超过 {size_text(limit)}，请分批导入。")
    try:
        return await file.read(limit + 1)
    finally:
        await file.close()


Addressed = TypeVar("Addressed", Problem, Notice)


def _on_form(problem: Addressed) -> Addressed:
    """A problem addressed to the form's file input: ``["file", "rows", n, 列名]``.

    The service addresses cells as ``["rows", n, 列名]``, the file as ``["file"]`` and an
    empty or oversized list as ``["projects"]``; the fair and the account keep their own.
    """
    field: list[str] = list(problem.field or [])
    if field[:1] == ["rows"]:
        where = ["file", *field]
    elif field[:1] == ["projects"]:
        where = ["file"]
    else:
        return problem
    if isinstance(problem, Notice):
        return Notice(problem.message, where)
    return Problem(problem.code, problem.message, where)
