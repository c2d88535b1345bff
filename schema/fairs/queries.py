"""Queries over fair editions."""

from __future__ import annotations

import strawberry

from api.fairs.models import Fair as FairRow
from api.fairs.queries import current_fair
from schema.fairs.types import Fair


@strawberry.type
class FairsQuery:
    @strawberry.field(
        description="一届洽谈会；不给届次时为当前一届。A fair; no edition: the current one."
    )
    async def fair(self, edition: int | None = None) -> Fair | None:
        row = await (
            FairRow.get_or_none(edition=edition) if edition is not None else current_fair()
        )
        return Fair.from_row(row) if row else None

    @strawberry.field(description="历届洽谈会，新的在前。Every edition, newest first.")
    async def fairs(self) -> list[Fair]:
        return [Fair.from_row(r) for r in await FairRow.all().order_by("-edition")]
