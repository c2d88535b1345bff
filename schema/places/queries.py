"""Queries over places."""

from __future__ import annotations

import strawberry

from api.places.directory import all_districts
from api.places.models import Publisher as PublisherRow
from schema.places.types import District, Publisher
from schema.relay import pk_of


@strawberry.type
class PlacesQuery:
    @strawberry.field(description="全市各区。Every district of the city.")
    async def districts(self) -> list[District]:
        return [District.from_row(r) for r in await all_districts()]

    @strawberry.field(description="发布单位，可按区筛选。Publishers, optionally in one district.")
    async def publishers(self, district: strawberry.ID | None = None) -> list[Publisher]:
        query = PublisherRow.all().order_by("district_id", "kind", "id")
        if district is not None:
            query = query.filter(district_id=pk_of(district, "District"))
        return [Publisher.from_row(r) for r in await query]
