"""The city's districts, kept in memory: a dozen rows that nearly every page names.

Districts are reference data, loaded with the seeds and never changed by a request.
Each worker reads the table once, and again after saving or deleting a district itself,
when asked for a district it does not know (one added by another process) or after
``REFRESH`` seconds (a rename made in the database), so a page naming districts sends no
statement for them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from tortoise.signals import post_delete, post_save

from api.places.models import District

REFRESH = 300.0

_rows: dict[int, District] = {}
_read_at = float("-inf")


async def districts(wanted: Iterable[int] = ()) -> dict[int, District]:
    """Every district by id, fresh enough and holding each of ``wanted`` that exists."""
    global _rows, _read_at
    stale = time.monotonic() - _read_at > REFRESH
    if stale or any(pk not in _rows for pk in wanted):
        _rows = {d.id: d for d in await District.all()}
        _read_at = time.monotonic()
    return _rows


async def all_districts() -> list[District]:
    """Every district, in the city's order."""
    return sorted((await districts()).values(), key=lambda d: (d.sort, d.id))


def forget() -> None:
    """Read the table again at the next use (after the seeds or a restore wrote to it)."""
    global _read_at
    _read_at = float("-inf")


@post_save(District)
async def _saved(*_: Any, **__: Any) -> None:
    forget()


@post_delete(District)
async def _deleted(*_: Any, **__: Any) -> None:
    forget()
