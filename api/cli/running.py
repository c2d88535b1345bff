"""Running a command's coroutine against the database, with readable failures."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import DBConnectionError

from api import db
from api.errors import DomainError, ErrorCode
from api.settings import Settings

T = TypeVar("T")


def run(settings: Settings, main: Callable[[], Coroutine[Any, Any, T]]) -> T:
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


async def with_orm(
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


def masked(url: str) -> str:
    """The database URL fit for a terminal: the password hidden."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


async def fair_id(edition: int) -> int:
    from api.fairs.models import Fair

    fair = await Fair.get_or_none(edition=edition)
    if fair is None:
        message = f"没有第 {edition} 届社洽会。No such fair."
        raise DomainError.one(ErrorCode.NOT_FOUND, message, ["fair"])
    return fair.id
