"""The statements every request of the busiest paths sends, written once.

Tortoise builds each query afresh (pypika's copying, quoting and formatting): about
0.4 ms of CPU for a one-row look-up on this project's machine, three times what sending
it and reading the row costs. The session behind every signed-in request, and the
project look-up every claim starts with, are written here as SQL instead and read into
models the way the ORM itself does (``Model._init_from_db``). Values are bound, never
formatted in; ``$n`` marks become SQLite's numbered ``?n``.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from tortoise import connections
from tortoise.models import Model

M = TypeVar("M", bound=Model)


def _marks(sql: str, dialect: str) -> str:
    return sql if dialect == "postgres" else re.sub(r"\$(\d+)", r"?\1", sql)


async def fetch_rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """Rows of ``sql`` (``$1``… marks) on the default connection."""
    conn = connections.get("default")
    return await conn.execute_query_dict(_marks(sql, conn.capabilities.dialect), params)


def columns(model: type[Model], alias: str, prefix: str = "") -> str:
    """``alias."col" AS "<prefix>col"`` for every column of ``model``."""
    return ", ".join(f'{alias}."{c}" AS "{prefix}{c}"' for c in model._meta.db_fields)


def model_of(model: type[M], row: dict[str, Any], prefix: str = "") -> M:
    """A model instance from the columns of ``row`` named ``<prefix>col``."""
    return model._init_from_db(**{c: row[f"{prefix}{c}"] for c in model._meta.db_fields})


def attach(instance: Model, relation: str, related: Model) -> None:
    """Set a foreign key's related object as ``select_related`` would have."""
    object.__setattr__(instance, f"_{relation}", related)
