"""Spreadsheets: ``sheqia import projects`` and ``sheqia export results|template``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from api.auth.models import Account, Role
from api.cli.running import fair_id, run, with_orm
from api.errors import DomainError, ErrorCode
from api.settings import load_settings


@click.group(name="import")
def import_() -> None:
    """Import data from spreadsheets (.xlsx, .csv)."""


@import_.command(name="projects")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fair", "edition", required=True, type=int, help="Fair edition (届).")
@click.option("--dry-run", is_flag=True, help="Check every row, write nothing.")
@click.option("--as", "username", help="Organizer or publisher account (default: first organizer).")
def import_projects(file: Path, edition: int, dry_run: bool, username: str | None) -> None:
    """Publish the projects of a list file on a fair: all rows or none."""
    from api.spreadsheets.importing import ImportResult, describe
    from api.spreadsheets.importing import import_projects as run_import

    settings = load_settings()

    async def work() -> ImportResult:
        actor = await _spreadsheet_actor(username)
        fair = await fair_id(edition)
        return await run_import(actor, fair, file, dry_run=dry_run, progress=click.echo)

    try:
        result = run(settings, lambda: with_orm(settings, work))
    except DomainError as error:
        for problem in error.problems:
            click.echo(f"错误 / error: {describe(problem)}", err=True)
        click.echo(f"共 {len(error.problems)} 个错误，未写入任何项目 / nothing written.", err=True)
        sys.exit(1)
    done = "校验通过（未写入）/ dry run passed" if dry_run else "已发布 / published"
    click.echo(
        f"{done}: {result.rows:,} 个项目，预算合计 {result.budget:,} 元，"
        f"用时 {result.seconds:.1f} s"
    )


@click.group()
def export() -> None:
    """Export spreadsheets (.xlsx)."""


@export.command(name="results")
@click.option("--fair", "edition", required=True, type=int, help="Fair edition (届).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--public",
    is_flag=True,
    help="Only the public part (as anyone downloads it): no drafts, contacts, bids or marks.",
)
def export_results(edition: int, out: Path, public: bool) -> None:
    """The fair's results workbook: projects, awards, payments (and, unless --public, the
    organizer's sheets: every bid and reviewer's marks)."""
    from api.spreadsheets.export import results_workbook

    settings = load_settings()

    async def work() -> None:
        book = await results_workbook(await fair_id(edition), public=public)
        book.save(out)

    try:
        run(settings, lambda: with_orm(settings, work))
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"已导出 / written: {out}")


@export.command(name="template")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_template(out: Path) -> None:
    """The blank project-list template: drop-down lists, an example row and notes."""
    from api.spreadsheets.template import template_choices, template_workbook

    settings = load_settings()

    async def work() -> None:
        template_workbook(await template_choices()).save(out)

    run(settings, lambda: with_orm(settings, work))
    click.echo(f"已导出模板 / template written: {out}")


async def _spreadsheet_actor(username: str | None) -> Account:
    query = Account.filter(username=username) if username else Account.filter(role=Role.ORGANIZER)
    account = await query.order_by("id").first()
    if account is None:
        who = f"账号 {username}" if username else "组织方（ORGANIZER）账号"
        raise DomainError.one(ErrorCode.NOT_FOUND, f"没有{who}。No such account.", ["as"])
    return account
