"""GraphQL types of the purchase catalogue."""

from __future__ import annotations

import strawberry

from api.catalog.models import CatalogItem as CatalogItemRow
from api.catalog.models import ServiceClass

# Registered on the domain's own enum, so annotations use the one class everywhere.
strawberry.enum(
    ServiceClass,
    name="ServiceClass",
    description="服务类别：为老、为小、为残、为困、社区参与、调解治理。Service classes.",
)


@strawberry.type(description="政府购买服务目录中的一项。An item of the purchase catalogue.")
class CatalogItem:
    code: str = strawberry.field(description="目录编码。Item code.")
    name: str = strawberry.field(description="服务项目名称。Item name.")
    service_class: ServiceClass = strawberry.field(description="所属服务类别。")
    negative_list: bool = strawberry.field(
        description="在负面清单上（不得购买）。On the negative list: may not be bought."
    )

    @classmethod
    def from_row(cls, row: CatalogItemRow) -> CatalogItem:
        return cls(
            code=row.code,
            name=row.name,
            service_class=row.service_class,
            negative_list=row.negative_list,
        )
