"""A row's children as one column of the row's own statement.

A page of organizations with their districts, or of supervisors with their fields, would
otherwise take a second statement per relation. A correlated subquery aggregates each
row's children into an array (PostgreSQL) or a JSON array (SQLite) instead, ordered as
the relation's loaders order them.
"""

from __future__ import annotations

from typing import Any

import orjson
from tortoise import connections
from tortoise.expressions import RawSQL


def child_list(table: str, column: str, parent_key: str, parent: str, order: str) -> RawSQL:
    """``column`` of the rows of ``table`` whose ``parent_key`` is ``parent``'s id, ordered
    by ``order``, as one value. The names are the code's own, never a client's."""
    rows = (
        f'SELECT "c"."{column}" AS "v" FROM "{table}" "c"'
        f' WHERE "c"."{parent_key}" = "{parent}"."id" ORDER BY "c"."{order}"'
    )
    if connections.get("default").capabilities.dialect == "postgres":
        return RawSQL(f"ARRAY({rows})")
    return RawSQL(f'(SELECT json_group_array("v") FROM ({rows}))')


def read_list(value: Any) -> list[Any]:
    """The list a ``child_list`` column holds, whichever engine produced it."""
    if value is None:
        return []
    if isinstance(value, str | bytes):
        return list(orjson.loads(value))
    return list(value)
