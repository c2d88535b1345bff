"""GraphQL types of places: districts and publishers."""

from __future__ import annotations

from typing import Any

import strawberry

from api.places.models import District as DistrictRow
from api.places.models import Publisher as PublisherRow
from schema.context import Info
from schema.loading import now_or_later, pending, then
from schema.places.loaders import DistrictByIdLoader
from schema.relay import Node, to_global_id


@strawberry.type(description="城市的行政区。An administrative district of the city.")
class District(Node):
    name: str = strawberry.field(description="区名，例如 玄武区。")
    code: str = strawberry.field(description="行政区划代码，例如 320102。Division code.")

    @classmethod
    def from_row(cls, row: DistrictRow) -> District:
        return cls(id=to_global_id("District", row.id), name=row.name, code=row.code)


@strawberry.type(description="发布单位：社区、街道或区/市级部门。A body that publishes projects.")
class Publisher(Node):
    name: str = strawberry.field(description="单位名称。Name.")
    kind: str = strawberry.field(
        description="COMMUNITY 社区 / STREET 街道 / DISTRICT_DEPARTMENT 区级部门 / "
        "CITY_DEPARTMENT 市级部门。"
    )
    row: strawberry.Private[PublisherRow]

    @strawberry.field(description="所在行政区。The district it belongs to.")
    def district(self, info: Info) -> District:
        return district_by_id(info, self.row.district_id)

    @classmethod
    def from_row(cls, row: PublisherRow) -> Publisher:
        return cls(
            id=to_global_id("Publisher", row.id), name=row.name, kind=row.kind.value, row=row
        )


def district_by_id(info: Info, district_id: int) -> Any:
    """The district (or an awaitable of it): a foreign key guarantees it exists."""
    row = now_or_later(info.context.loader(DistrictByIdLoader), district_id)
    return then(row, District.from_row)


def districts_by_ids(info: Info, district_ids: list[int]) -> Any:
    """The districts (or an awaitable of them), in the order of ``district_ids``."""
    loader = info.context.loader(DistrictByIdLoader)
    found = [now_or_later(loader, pk) for pk in district_ids]
    if any(pending(f) for f in found):
        return then(loader.load_many(district_ids), _districts)
    return _districts(found)


def _districts(rows: list[DistrictRow | None]) -> list[District]:
    return [District.from_row(r) for r in rows if r is not None]
