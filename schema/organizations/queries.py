"""Queries over the organization pool."""

from __future__ import annotations

import strawberry

from api.organizations.queries import OrganizationQuery, organization_queryset
from schema import preload
from schema.connections import connection, fetch_page
from schema.context import Info
from schema.organizations.types import (
    Organization,
    OrganizationConnection,
    OrganizationFilter,
)
from schema.relay import pk_of, search_text


def organization_query(f: OrganizationFilter | None) -> OrganizationQuery:
    if f is None:
        return OrganizationQuery()
    return OrganizationQuery(
        service_classes=list(f.service_class or []),
        district_ids=[pk_of(d, "District") for d in f.district or []],
        search=search_text(f.search),
        min_social_workers=f.min_social_workers,
    )


@strawberry.type
class OrganizationsQuery:
    @strawberry.field(description="社会组织服务资源库。The organization pool.")
    async def organizations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: OrganizationFilter | None = None,
    ) -> OrganizationConnection:
        query = preload.shape_organizations(info, organization_queryset(organization_query(filter)))
        page = await fetch_page(query, first, after, info)
        await preload.organizations_page(info, page.rows)
        return connection(page, Organization.from_row)
