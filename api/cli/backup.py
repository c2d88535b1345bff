"""Backups: ``sheqia backup`` and ``sheqia restore``.

SQLite is copied online (the server may keep running); PostgreSQL goes through
``pg_dump``/``pg_restore``. The steps behind both are in docs/backup.md.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from api import db
from api.backups import Backup, BackupRefused, Progress, Restore
from api.backups.versions import pending_migrations
from api.cli.running import masked, run
from api.settings import Settings, load_settings

T = TypeVar("T")


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
def backup(out: Path) -> None:
    """Back up the database to OUT (a file, or a directory to name one in).

    SQLite is copied online, the server may keep serving; PostgreSQL is dumped with
    pg_dump in its custom format. Either way the copy is checked before it is kept.
    """
    settings = load_settings()
    click.echo(f"数据库 / database: {masked(settings.database_url)}")
    started = time.perf_counter()
    with _Stages() as progress:
        made = _refusing(lambda: _backup(settings, out, progress))
    click.echo(
        f"已备份 / backed up: {made.path}  {_size(made.size)}  "
        f"用时 / elapsed: {time.perf_counter() - started:.2f} s"
    )


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace a database that has data (a copy of it is kept)."
)
def restore(file: Path, force: bool) -> None:
    """Replace the database with the backup FILE, then migrate it to this version.

    Stop the server first. Refuses a file that is not a sheqia backup, and a database
    that has data unless --force: the database replaced is kept beside it (SQLite) or
    dumped beside FILE (PostgreSQL).
    """
    settings = load_settings()
    click.echo(f"数据库 / database: {masked(settings.database_url)}")
    click.echo(f"恢复自 / restoring from: {file}")
    started = time.perf_counter()
    with _Stages() as progress:
        done = _refusing(lambda: _restore(settings, file, force, progress))
    if done.kept is not None:
        click.echo(f"原库已另存 / the replaced database is kept as: {done.kept}")
    pending = pending_migrations(done.migrations)
    if pending:
        # An older backup: bring its schema up to this code's, as `sheqia migrate` would.
        run(settings, lambda: db.migrate(settings))
        for name in pending:
            click.echo(f"  已应用 / applied: {name}")
    click.echo(
        f"已恢复 / restored: {done.database}  {_size(done.size)}  "
        f"用时 / elapsed: {time.perf_counter() - started:.2f} s"
    )


def _backup(settings: Settings, out: Path, progress: Progress) -> Backup:
    if settings.is_sqlite:
        from api.backups.sqlite import backup_sqlite, database_file

        return backup_sqlite(database_file(settings.database_url), out, progress)
    from api.backups.postgres import backup_postgres

    return backup_postgres(settings.database_url, out, progress)


def _restore(settings: Settings, file: Path, force: bool, progress: Progress) -> Restore:
    if settings.is_sqlite:
        from api.backups.sqlite import database_file, restore_sqlite

        database = database_file(settings.database_url)
        return restore_sqlite(file, database, force=force, progress=progress)
    from api.backups.postgres import restore_postgres

    return restore_postgres(file, settings.database_url, force=force, progress=progress)


def _refusing(work: Callable[[], T]) -> T:
    """The work's result; a refusal or a failing disk is a message, not a traceback."""
    try:
        return work()
    except BackupRefused as refusal:
        raise click.ClickException(str(refusal)) from refusal
    except OSError as error:
        raise click.ClickException(f"无法读写文件 / cannot read or write: {error}") from error


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    amount = size / 1024
    for unit in ("KB", "MB"):
        if amount < 1024:
            return f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GB"


class _Stages:
    """Progress: a percentage rewritten in place on a terminal, each stage once elsewhere."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.tty = sys.stdout.isatty()

    def __enter__(self) -> _Stages:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.tty and self.stage is not None:
            click.echo()

    def __call__(self, stage: str, done: int, total: int) -> None:
        line = f"  {stage}  {100 * done // max(total, 1)}%"
        if self.tty:
            start = "\n" if self.stage not in (None, stage) else "\r\x1b[2K"
            click.echo(start + line, nl=False)
        elif done >= total:
            # Not a terminal (a log, a pipe): each stage once, when it is done.
            click.echo(line)
        self.stage = stage
