"""Bulk-insert helpers for the loader: batches, natural-key look-ups and raw link rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

T = TypeVar("T")

# Rows per transaction: large enough to amortise commits, small enough that a failure
# loses little and memory stays flat at the national scale.
BATCH = 1000
# Values per IN (…) look-up, well below every engine's bound-parameter limit.
LOOKUP_CHUNK = 500

Progress = Callable[[str, int, int], None]


def quiet(stage: str, done: int, total: int) -> None:
    """The progress callback used when the caller passes none."""


def batches(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def ids_by(
    model: type[Model], field: str, values: Sequence[Any], conn: BaseDBAsyncClient | None = None
) -> dict[Any, int]:
    """``{value: id}`` for the rows of ``model`` whose ``field`` is one of ``values``."""
    found: dict[Any, int] = {}
    for chunk in batches(values, LOOKUP_CHUNK):
        query = model.filter(**{f"{field}__in": list(chunk)})
        if conn is not None:
            query = query.using_db(conn)
        rows = await query.values_list(field, "id")
        found.update((value, pk) for value, pk in rows)
    return found


def _placeholders(conn: BaseDBAsyncClient, count: int) -> str:
    dialect = conn.capabilities.dialect
    if dialect == "postgres":
        return ", ".join(f"${i}" for i in range(1, count + 1))
    if dialect == "mysql":
        return ", ".join(["%s"] * count)
    return ", ".join(["?"] * count)


async def insert_rows(
    conn: BaseDBAsyncClient, table: str, columns: Sequence[str], rows: list[list[Any]]
) -> None:
    """Insert plain rows into ``table``: for M2M through tables, which have no model."""
    if not rows:
        return
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({_placeholders(conn, len(columns))})"
    )
    await conn.execute_many(sql, rows)


async def count_table(conn: BaseDBAsyncClient, table: str) -> int:
    _, rows = await conn.execute_query(f"SELECT COUNT(*) AS n FROM {table}")
    return int(dict(rows[0])["n"])
