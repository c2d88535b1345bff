"""Administration: ``sheqia migrate``, ``seed`` and ``createuser``."""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable

import click
from tortoise import connections
from tortoise.migrations.recorder import MigrationRecorder

from api import db
from api.auth.models import Account, Role
from api.cli.running import masked, run, with_orm
from api.errors import DomainError
from api.settings import Settings, load_settings
from seeds import SCALES


@click.command()
def migrate() -> None:
    """Bring the database schema up to the latest migration."""
    settings = load_settings()
    click.echo(f"数据库 / database: {masked(settings.database_url)}")
    applied, total = run(settings, lambda: _migrate(settings))
    for name in applied:
        click.echo(f"  已应用 / applied: {name}")
    if applied:
        click.echo(f"完成：应用了 {len(applied)} 个迁移，共 {total} 个 / {len(applied)} applied.")
    else:
        click.echo(f"已是最新：共 {total} 个迁移 / up to date ({total} migrations).")


@click.command()
@click.option("--scale", type=click.Choice(list(SCALES)), default="demo", show_default=True)
def seed(scale: str) -> None:
    """Load generated fair data (demo: one small fair; city, national: load tests)."""
    settings = load_settings()
    click.echo(f"数据库 / database: {masked(settings.database_url)}")
    click.echo(f"载入 / loading: {scale}")
    started = time.perf_counter()
    with _StageLine() as progress:
        counts = run(settings, lambda: with_orm(settings, lambda: load_seeds(scale, progress)))
    elapsed = time.perf_counter() - started
    width = max((len(name) for name in counts), default=0)
    for name, count in counts.items():
        click.echo(f"  {name:<{width}}  {count:>10,}")
    click.echo(f"用时 / elapsed: {elapsed:.1f} s")


@click.command()
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
        account = run(settings, lambda: with_orm(settings, work))
    except DomainError as error:
        for problem in error.problems:
            field = f" ({'.'.join(problem.field)})" if problem.field else ""
            click.echo(f"错误{field}：{problem.message}", err=True)
        sys.exit(1)
    click.echo(f"已创建账号 / created: {account.username} ({account.role}), id {account.id}")


async def _migrate(settings: Settings) -> tuple[list[str], int]:
    """Migrate, and say which migrations this run applied (and how many there are)."""
    before = await with_orm(settings, _applied_migrations, migrate=False)
    await db.migrate(settings)
    after = await with_orm(settings, _applied_migrations, migrate=False)
    return [name for name in after if name not in before], len(after)


async def _applied_migrations() -> list[str]:
    # The recorder answers an empty list for a database never migrated.
    recorder = MigrationRecorder(connections.get("default"))
    return [f"{key.app_label}.{key.name}" for key in await recorder.applied_migrations()]


async def load_seeds(
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
