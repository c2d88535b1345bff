"""The database: Tortoise configuration, start-up, shutdown and migrations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import DBConnectionError
from tortoise.migrations.executor import MigrationExecutor
from tortoise.models import Model

from api.settings import Settings

MODEL_MODULES = [
    "api.places.models",
    "api.catalog.models",
    "api.fairs.models",
    "api.projects.models",
    "api.organizations.models",
    "api.supervisors.models",
    "api.bidding.models",
    "api.contracts.models",
    "api.auth.models",
    "api.audit.models",
    "api.matching.models",
    "api.surveys.models",
    "api.idempotency.models",
]


# What a request meets when the database drops or refuses its connection (a restart, a
# fail-over, a terminated backend): asyncpg raises these as they are, Tortoise does not
# translate them. The request fails; the pool replaces the connection on its next use, so
# the following requests go through again without restarting the app.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    # SQLSTATE class 08, and a connection closed in the middle of a query
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # 57P: terminated, shutting down, starting up
    asyncpg.InternalClientError,  # a connection left half-way by one of the above
    ConnectionError,  # refused or reset while the server is down
    DBConnectionError,
)
UNAVAILABLE_MESSAGE = (
    "数据库暂时不可用，请稍后重试。The database is unavailable; try again shortly."
)


def connection_lost(error: BaseException | None) -> bool:
    """Whether ``error``, or an error it was raised from, is a lost database connection."""
    seen = 0
    while error is not None and seen < 8:
        if isinstance(error, CONNECTION_ERRORS):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def fitting(model: type[Model], field: str, values: Iterable[str]) -> list[str]:
    """The ``values`` short enough for the column ``model.field``, to look rows up by.

    Tortoise checks a filter's values like values to store and raises on text longer than
    the column, which would turn a too-long code in a request into a crash. Such text names
    no row, so it is left out of the lookup; the caller's own checks report it.
    """
    limit = model._meta.fields_map[field].max_length  # type: ignore[attr-defined]
    return [v for v in values if limit is None or len(v) <= limit]


async def keep_session(connection: asyncpg.Connection) -> None:
    """Hand a pooled connection back as it is.

    asyncpg's default reset (``RESET ALL; CLOSE ALL; UNLISTEN *; SELECT
    pg_advisory_unlock_all()``) is a round trip on every release, that is after nearly
    every statement, for session state this application never sets on a pooled
    connection: no ``SET``, cursors, ``LISTEN`` (the broker has its own connection) or
    advisory locks. An open transaction is still rolled back by the pool itself.
    """


def connection_config(url: str) -> str | dict[str, Any]:
    """The ORM's connection: the URL as it is, except PostgreSQL's pool without resets."""
    if not url.startswith("postgres"):
        return url
    config = expand_db_url(url)
    config["credentials"]["reset"] = keep_session
    return config


def tortoise_config(settings: Settings) -> dict[str, Any]:
    """The Tortoise configuration for ``settings``: one app, migrations checked in."""
    return {
        "connections": {"default": connection_config(settings.database_url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "api.migrations",
            }
        },
        "use_tz": True,
        # Stored and compared in UTC on every engine: SQLite compares datetimes as text,
        # which orders instants only when every value has the same offset. People see
        # the city's time through the DateTime scalar.
        "timezone": "UTC",
    }


async def migrate(settings: Settings) -> None:
    """Bring the schema up to the latest checked-in migration, then close the connections."""
    await Tortoise.init(config=tortoise_config(settings))
    try:
        await migrate_connected(settings)
    finally:
        await Tortoise.close_connections()


async def migrate_connected(settings: Settings) -> None:
    """Apply pending migrations over the ORM's open connection.

    Used where the database only lives as long as that connection (in-memory SQLite).
    """
    apps = tortoise_config(settings)["apps"]
    await MigrationExecutor(connections.get("default"), apps).migrate()


async def start(settings: Settings) -> None:
    """Open the ORM for a running process.

    The global fallback lets request tasks (which do not inherit the lifespan's
    context) find the connections.
    """
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def stop() -> None:
    await Tortoise.close_connections()


def _cli_config() -> dict[str, Any]:
    from api.settings import load_settings

    return tortoise_config(load_settings())


# For Tortoise's own CLI (``tortoise -c api.db.TORTOISE_ORM makemigrations``).
TORTOISE_ORM = _cli_config()
