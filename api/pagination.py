"""Keyset pagination: pages that stay valid while rows are inserted.

Rows are ordered by primary key and a page starts after the last key seen, so an insert
never shifts or repeats rows the way OFFSET would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)


@dataclass
class Page(Generic[M]):
    """One page of rows and where it sits in the whole result."""

    rows: list[M]
    has_next: bool
    has_previous: bool
    query: QuerySet[M]
    known_total: int | None = None
    # The annotation the rows are ranked by (highest first), None when ordered by key.
    rank: str | None = None

    async def total(self) -> int:
        if self.known_total is not None:
            return self.known_total
        return await self.query.count()


async def keyset_page(
    query: QuerySet[M],
    first: int,
    after: int | None,
    *,
    descending: bool = False,
    with_total: bool = False,
) -> Page[M]:
    """The ``first`` rows of ``query`` whose key is greater than ``after`` (smaller, and
    the largest first, when ``descending``).

    ``with_total``: a first page also counts every matching row in the same statement
    (an uncorrelated subquery the database runs once), sparing the count its own round
    trip. A window (``COUNT(*) OVER ()``) would make PostgreSQL keep every matching row
    whole before the limit, several times the cost of counting. Later pages see only the
    rows after the cursor, so they count apart."""
    if after is not None:
        # A key beyond what the column can hold comes after every row; PostgreSQL would
        # refuse it as a query argument instead of finding nothing.
        after = min(after, query.model._meta.pk.constraints.get("le", after))
    if after is None:
        page_query = query
    else:
        page_query = query.filter(id__lt=after) if descending else query.filter(id__gt=after)
    # Joined rows counted before DISTINCT folds them would be too many: such queries
    # count apart.
    counted = with_total and after is None and not query._distinct
    if counted:
        total = Subquery(query.annotate(matching=Count("id")).values("matching"))
        page_query = page_query.annotate(page_total=total)
    rows = await page_query.order_by("-id" if descending else "id").limit(first + 1)
    page = Page(rows[:first], len(rows) > first, after is not None, query)
    if counted:
        page.known_total = rows[0].page_total if rows else 0  # type: ignore[attr-defined]
    return page


async def ranked_page(
    query: QuerySet[M], rank: str, first: int, after: tuple[int, int] | None
) -> Page[M]:
    """The ``first`` rows of ``query`` by the annotation ``rank`` (highest first), then by
    key, after the row ``(rank, key)`` seen last: a keyset page over a ranked result."""
    page_query = query
    if after is not None:
        after_rank, after_key = after
        lower: dict[str, Any] = {f"{rank}__lt": after_rank}
        same: dict[str, Any] = {rank: after_rank, "id__gt": after_key}
        page_query = query.filter(Q(**lower) | Q(**same))
    rows = await page_query.order_by(f"-{rank}", "id").limit(first + 1)
    return Page(rows[:first], len(rows) > first, after is not None, query, rank=rank)
