"""Queries over the purchase catalogue."""

from __future__ import annotations

import strawberry

from api.catalog.models import CatalogItem as CatalogItemRow
from schema.catalog.types import CatalogItem, ServiceClass


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="政府购买服务目录，可按类别筛选。The purchase catalogue.")
    async def catalog_items(self, service_class: ServiceClass | None = None) -> list[CatalogItem]:
        query = CatalogItemRow.all()
        if service_class is not None:
            query = query.filter(service_class=service_class)
        return [CatalogItem.from_row(r) for r in await query]
