"""``Query.node``: any object by its global id, with the same visibility as elsewhere."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.bidding.models import Bid as BidRow
from api.bidding.queries import visible_bids
from api.fairs.models import Fair as FairRow
from api.organizations.models import Organization as OrganizationRow
from api.places.models import District as DistrictRow
from api.places.models import Publisher as PublisherRow
from api.supervisors.models import Supervisor as SupervisorRow
from schema.bidding.types import Bid
from schema.context import Info
from schema.fairs.types import Fair
from schema.organizations.types import Organization
from schema.places.types import District, Publisher
from schema.projects.queries import ProjectsQuery
from schema.relay import Node, parse_global_id
from schema.supervisors.types import Supervisor


def _by_pk(model: Any, to_node: Callable[[Any], Node]) -> Callable[[Info, int], Awaitable[Any]]:
    async def resolve(info: Info, pk: int) -> Node | None:
        row = await model.get_or_none(id=pk)
        return to_node(row) if row else None

    return resolve


async def _project(info: Info, pk: int) -> Node | None:
    from schema.relay import to_global_id

    return await ProjectsQuery().project(info, to_global_id("Project", pk))


async def _bid(info: Info, pk: int) -> Node | None:
    row = await BidRow.get_or_none(id=pk).prefetch_related("project")
    if row is None:
        return None
    visible = visible_bids(info.context.account, row.project)
    return Bid.from_row(row) if visible and await visible.filter(id=pk).exists() else None


RESOLVERS: dict[str, Callable[[Info, int], Awaitable[Node | None]]] = {
    "Fair": _by_pk(FairRow, Fair.from_row),
    "District": _by_pk(DistrictRow, District.from_row),
    "Publisher": _by_pk(PublisherRow, Publisher.from_row),
    "Organization": _by_pk(OrganizationRow, Organization.from_row),
    "Supervisor": _by_pk(SupervisorRow, Supervisor.from_row),
    "Project": _project,
    "Bid": _bid,
}


@strawberry.type
class NodeQuery:
    @strawberry.field(description="按全局 id 取任一对象。Any object by its global id.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, pk = parse_global_id(id)
        resolve = RESOLVERS.get(type_name)
        return await resolve(info, pk) if resolve else None
