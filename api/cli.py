"""The ``sheqia`` command: serve the fair, migrate the database, load seeds, create accounts."""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
from tortoise import connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import DBConnectionError
from tortoise.migrations.recorder import MigrationRecorder

from api import db
from api.auth.models import Account, Role
from api.errors import DomainError, ErrorCode
from api.settings import Settings, load_settings
from seeds import DEMO_ACCOUNTS, SCALES, DemoAccount

T = TypeVar("T")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """社洽会 (the community service project fair): server and administration."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes (PostgreSQL only when more than one).",
)
@click.option("--demo", is_flag=True, help="Load the demo fair if the database has no fair yet.")
def serve(host: str, port: int, workers: int, demo: bool) -> None:
    """Migrate the database, then serve the API and the front end."""
    settings = load_settings()
    if workers > 1 and settings.is_sqlite:
        # Each worker would hold its own SQLite connection and writers would lock each
        # other out; one process serialises writes correctly.
        click.echo(
            "错误：SQLite 文件数据库只能由一个 worker 使用（--workers 1）。"
            "多个 worker 请改用 PostgreSQL：设置 SHEQIA_DATABASE_URL=postgres://user@host:5432/db\n"
            "Error: a SQLite file database serves one worker only. For several workers use "
            "PostgreSQL via SHEQIA_DATABASE_URL.",
            err=True,
        )
        sys.exit(2)
    accounts = _run(settings, lambda: _prepare_to_serve(settings, demo))
    if demo:
        _print_demo_accounts(accounts)
    base = f"http://{_browsable(host)}:{port}"
    click.echo(f"社洽会 / front end: {base}/")
    click.echo(f"GraphQL:            {base}/graphql")

    import uvicorn  # only the serving command needs it

    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # Behind a reverse proxy, client addresses and https come from its headers
        # (trusted from the addresses in FORWARDED_ALLOW_IPS, default 127.0.0.1).
        proxy_headers=True,
    )


@main.command()
def migrate() -> None:
    """Bring the database schema up to the latest migration."""
    settings = load_settings()
    click.echo(f"数据库 / database: {_masked(settings.database_url)}")
    applied, total = _run(settings, lambda: _migrate(settings))
    for name in applied:
        click.echo(f"  已应用 / applied: {name}")
    if applied:
        click.echo(f"完成：应用了 {len(applied)} 个迁移，共 {total} 个 / {len(applied)} applied.")
    else:
        click.echo(f"已是最新：共 {total} 个迁移 / up to date ({total} migrations).")


@main.command()
@click.option("--scale", type=click.Choice(list(SCALES)), default="demo", show_default=True)
def seed(scale: str) -> None:
    """Load generated fair data (demo: one small fair; city, national: load tests)."""
    settings = load_settings()
    click.echo(f"数据库 / database: {_masked(settings.database_url)}")
    click.echo(f"载入 / loading: {scale}")
    started = time.perf_counter()
    with _StageLine() as progress:
        counts = _run(settings, lambda: _with_orm(settings, lambda: _load_seeds(scale, progress)))
    elapsed = time.perf_counter() - started
    width = max((len(name) for name in counts), default=0)
    for name, count in counts.items():
        click.echo(f"  {name:<{width}}  {count:>10,}")
    click.echo(f"用时 / elapsed: {elapsed:.1f} s")


@main.command()
@click.argument("username")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role], case_sensitive=False)
)
@click.option("--organization", type=int, help="Organization id (role ORGANIZATION).")
@click.option("--supervisor", type=int, help="Pool person id (roles SUPERVISOR, REVIEWER).")
@click.option("--publisher", type=int, help="Publisher id (role PUBLISHER).")
@click.option(
    "--password",
    prompt="密码 / password",
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for (hidden, twice) when not given.",
)
def createuser(
    username: str,
    role: str,
    organization: int | None,
    supervisor: int | None,
    publisher: int | None,
    password: str,
) -> None:
    """Create a login account."""
    from api.auth.accounts import create_account

    settings = load_settings()

    def work() -> Awaitable[Account]:
        return create_account(
            username,
            password,
            Role(role.upper()),
            organization_id=organization,
            supervisor_id=supervisor,
            publisher_id=publisher,
        )

    try:
        account = _run(settings, lambda: _with_orm(settings, work))
    except DomainError as error:
        for problem in error.problems:
            field = f" ({'.'.join(problem.field)})" if problem.field else ""
            click.echo(f"错误{field}：{problem.message}", err=True)
        sys.exit(1)
    click.echo(f"已创建账号 / created: {account.username} ({account.role}), id {account.id}")


# --- spreadsheets: import project lists, export results and the template ------------


@main.group(name="import")
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
        fair_id = await _fair_id(edition)
        return await run_import(actor, fair_id, file, dry_run=dry_run, progress=click.echo)

    try:
        result = _run(settings, lambda: _with_orm(settings, work))
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


@main.group()
def export() -> None:
    """Export spreadsheets (.xlsx)."""


@export.command(name="results")
@click.option("--fair", "edition", required=True, type=int, help="Fair edition (届).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_results(edition: int, out: Path) -> None:
    """The fair's results workbook: projects, awards, payments."""
    from api.spreadsheets.export import results_workbook

    settings = load_settings()

    async def work() -> None:
        book = await results_workbook(await _fair_id(edition))
        book.save(out)

    try:
        _run(settings, lambda: _with_orm(settings, work))
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"已导出 / written: {out}")


@export.command(name="template")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def export_template(out: Path) -> None:
    """The blank project-list template with its notes sheet."""
    from api.spreadsheets.template import template_workbook

    template_workbook().save(out)
    click.echo(f"已导出模板 / template written: {out}")


async def _spreadsheet_actor(username: str | None) -> Account:
    query = Account.filter(username=username) if username else Account.filter(role=Role.ORGANIZER)
    account = await query.order_by("id").first()
    if account is None:
        who = f"账号 {username}" if username else "组织方（ORGANIZER）账号"
        raise DomainError.one(ErrorCode.NOT_FOUND, f"没有{who}。No such account.", ["as"])
    return account


async def _fair_id(edition: int) -> int:
    from api.fairs.models import Fair

    fair = await Fair.get_or_none(edition=edition)
    if fair is None:
        message = f"没有第 {edition} 届社洽会。No such fair."
        raise DomainError.one(ErrorCode.NOT_FOUND, message, ["fair"])
    return fair.id


# --- running coroutines against the database ----------------------------------------


def _run(settings: Settings, main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run one command's coroutine; an unreachable database is a message, not a traceback."""
    # Checked before the coroutine is made, so a refusal leaves none un-awaited.
    _check_sqlite_directory(settings)
    try:
        return asyncio.run(main())
    except (DBConnectionError, OSError) as error:
        message = f"无法连接数据库 / cannot reach the database: {error}"
        raise click.ClickException(message) from error


def _check_sqlite_directory(settings: Settings) -> None:
    # The SQLite backend waits forever, instead of failing, on a file it cannot open;
    # a directory that does not exist is the usual cause, so refuse that up front.
    if not settings.is_sqlite:
        return
    path = expand_db_url(settings.database_url)["credentials"]["file_path"]
    if path != ":memory:" and not Path(path).parent.is_dir():
        raise click.ClickException(
            f"SQLite 数据库所在目录不存在 / directory of the SQLite file does not exist: {path}"
        )


async def _with_orm(
    settings: Settings, work: Callable[[], Awaitable[T]], *, migrate: bool = True
) -> T:
    """Run ``work`` with the ORM open, the schema first brought up to date."""
    if migrate:
        await db.migrate(settings)
    await db.start(settings)
    try:
        return await work()
    finally:
        await db.stop()


async def _migrate(settings: Settings) -> tuple[list[str], int]:
    """Migrate, and say which migrations this run applied (and how many there are)."""
    before = await _with_orm(settings, _applied_migrations, migrate=False)
    await db.migrate(settings)
    after = await _with_orm(settings, _applied_migrations, migrate=False)
    return [name for name in after if name not in before], len(after)


async def _applied_migrations() -> list[str]:
    # The recorder answers an empty list for a database never migrated.
    recorder = MigrationRecorder(connections.get("default"))
    return [f"{key.app_label}.{key.name}" for key in await recorder.applied_migrations()]


async def _prepare_to_serve(settings: Settings, demo: bool) -> list[DemoAccount]:
    """Migrate; with ``demo``, make sure the demo fair is there and name its accounts."""
    if not demo:
        await db.migrate(settings)
        return []
    return await _with_orm(settings, _ensure_demo)


async def _ensure_demo() -> list[DemoAccount]:
    from api.fairs.models import Fair

    if not await Fair.exists():
        click.echo("载入演示数据 / loading the demo fair …")
        await _load_seeds("demo", None)
    # Name only the accounts really there: a database with other data may lack them.
    usernames = [account.username for account in DEMO_ACCOUNTS]
    present = set(await Account.filter(username__in=usernames).values_list("username", flat=True))
    return [account for account in DEMO_ACCOUNTS if account.username in present]


# --- seeds ---------------------------------------------------------------------------


async def _load_seeds(
    scale: str, progress: Callable[[str, int, int], None] | None
) -> dict[str, int]:
    from seeds.loader import load

    return await load(scale, progress=progress)


class _StageLine:
    """Seed progress: one line per stage, rewritten in place on a terminal."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.finished: set[str] = set()
        self.tty = sys.stdout.isatty()

    def __enter__(self) -> _StageLine:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.tty and self.stage is not None:
            click.echo()

    def __call__(self, stage: str, done: int, total: int) -> None:
        line = f"  {stage}  {done:,}/{total:,}"
        if self.tty:
            # A new stage keeps the last one's final line; updates overwrite in place.
            start = "\n" if self.stage not in (None, stage) else "\r\x1b[2K"
            click.echo(start + line, nl=False)
        elif done >= total and stage not in self.finished:
            # Not a terminal (a log, a pipe): each stage once, when it is done.
            click.echo(line)
            self.finished.add(stage)
        self.stage = stage


def _print_demo_accounts(accounts: list[DemoAccount]) -> None:
    if not accounts:
        click.echo("（数据库中没有演示账号 / no demo accounts in this database）")
        return
    click.echo("演示账号 / demo accounts (username / password / role):")
    name_width = max(len(a.username) for a in accounts)
    password_width = max(len(a.password) for a in accounts)
    for a in accounts:
        click.echo(
            f"  {a.username:<{name_width}}  {a.password:<{password_width}}  "
            f"{a.role.value:<12}  {a.description}"
        )


# --- small helpers -------------------------------------------------------------------


def _masked(url: str) -> str:
    """The database URL fit for a terminal: the password hidden."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _browsable(host: str) -> str:
    # A wildcard address is where the server listens, not where a browser can go.
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


if __name__ == "__main__":
    main()
