"""Queries over the supervisor pool."""

from __future__ import annotations

import strawberry

from api.supervisors.queries import SupervisorQuery, supervisor_queryset
from schema import preload
from schema.connections import connection, fetch_page
from schema.context import Info
from schema.relay import pk_of, search_text
from schema.supervisors.types import (
    Supervisor,
    SupervisorConnection,
    SupervisorFilter,
)


def supervisor_query(f: SupervisorFilter | None) -> SupervisorQuery:
    if f is None:
        return SupervisorQuery()
    return SupervisorQuery(
        expertise=list(f.expertise or []),
        district_ids=[pk_of(d, "District") for d in f.district or []],
        available=f.available,
        search=search_text(f.search),
    )


@strawberry.type
class SupervisorsQuery:
    @strawberry.field(description="督导专家库。The supervisor pool.")
    async def supervisors(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: SupervisorFilter | None = None,
    ) -> SupervisorConnection:
        query = preload.shape_supervisors(info, supervisor_queryset(supervisor_query(filter)))
        page = await fetch_page(query, first, after, info)
        await preload.supervisors_page(info, page.rows)
        return connection(page, Supervisor.from_row)
