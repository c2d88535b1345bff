"""GraphQL types of a spreadsheet import."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.errors import UserError, UserNotice
from schema.projects.types import Project


@strawberry.type(description="导入项目清单文件的结果。The result of importing a project list file.")
class ImportProjectsPayload:
    errors: list[UserError] = strawberry.field(
        description="错误；为空表示成功（或只检查时检查通过）。每个有问题的单元格都会报告，"
        '路径为 ["file", "rows", 行号（表头为第 1 行）, 列名]，如 ["file", "rows", "12", '
        '"预算（元）"]；整个文件的问题为 ["file"]。'
        " Empty on success; each bad cell by row number and column header."
    )
    warnings: list[UserNotice] = strawberry.field(
        description="提醒，成功和被拒绝时都会列出：跳过的合计行、按系统中名称识别的发布单位"
        "全称、按规定提高的最少持证社工等，路径同 errors。"
        " Notices (skipped total rows, publisher titles read as names, numbers raised by the"
        " rules), addressed as errors are; given with a refusal as well."
    )
    row_count: int = strawberry.field(
        description="文件中的项目行数（被拒绝时为 0）。Project rows in the file (0 if refused)."
    )
    total_budget: Decimal = strawberry.field(
        description="这些项目的预算合计（元；被拒绝时为 0）。Their total budget, CNY."
    )
    dry_run: bool = strawberry.field(
        description="是否只检查、未写入。True when the file was only checked."
    )
    projects: list[Project] = strawberry.field(
        description="已发布的项目，顺序同文件；只检查或被拒绝时为空。The published projects."
    )
