"""GraphQL types of the supervisor pool."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api.supervisors.models import Supervisor as SupervisorRow
from schema.catalog.types import ServiceClass
from schema.connections import Connection
from schema.context import Info
from schema.loading import now_or_later, then
from schema.places.types import District, districts_by_ids
from schema.relay import Node, to_global_id
from schema.supervisors.loaders import (
    DistrictIdsBySupervisorLoader,
    ExpertiseBySupervisorLoader,
    ProjectIdsBySupervisorLoader,
    SupervisorByIdLoader,
)

if TYPE_CHECKING:
    from schema.projects.types import Project

ProjectRef = Annotated["Project", strawberry.lazy("schema.projects.types")]


@strawberry.input(description="督导筛选条件。Filters over the supervisor pool.")
class SupervisorFilter:
    expertise: list[ServiceClass] | None = strawberry.field(
        default=None, description="专长领域（任一）。Any of these fields."
    )
    district: list[strawberry.ID] | None = strawberry.field(
        default=None, description="服务区域（任一）。Serves any of these districts."
    )
    available: bool | None = strawberry.field(
        default=None, description="仍有余量（当前负荷小于上限）。Below maximum load."
    )
    search: str | None = strawberry.field(default=None, description="姓名或单位中的中文子串。")


@strawberry.type(description="督导/评审专家。A supervisor or expert of the pool.")
class Supervisor(Node):
    name: str = strawberry.field(description="姓名。Name.")
    title: str | None = strawberry.field(description="职称/职务。Title.")
    affiliation: str = strawberry.field(description="工作单位（用于利益回避）。Affiliation.")
    max_load: int = strawberry.field(description="最多同时督导的项目数。Maximum load.")
    load: int = strawberry.field(description="当前督导的项目数。Current load.")
    row: strawberry.Private[SupervisorRow]

    @strawberry.field(description="专长领域。Fields of expertise.")
    def expertise(self, info: Info) -> list[ServiceClass]:
        return now_or_later(info.context.loader(ExpertiseBySupervisorLoader), self.row.id)

    @strawberry.field(description="服务区域。Districts served.")
    def districts(self, info: Info) -> list[District]:
        ids = now_or_later(info.context.loader(DistrictIdsBySupervisorLoader), self.row.id)
        return then(ids, lambda ids: districts_by_ids(info, ids))

    @strawberry.field(description="督导的项目。Projects supervised.")
    async def projects(self, info: Info) -> list[ProjectRef]:
        from schema.organizations.types import projects_by_ids

        ids = await info.context.loader(ProjectIdsBySupervisorLoader).load(self.row.id)
        return await projects_by_ids(info, ids)

    @classmethod
    def from_row(cls, row: SupervisorRow) -> Supervisor:
        return cls(
            id=to_global_id("Supervisor", row.id),
            name=row.name,
            title=row.title,
            affiliation=row.affiliation,
            max_load=row.max_load,
            load=row.load,
            row=row,
        )


async def supervisor_by_id(info: Info, supervisor_id: int) -> Supervisor | None:
    row = await info.context.loader(SupervisorByIdLoader).load(supervisor_id)
    return Supervisor.from_row(row) if row else None


SupervisorConnection = Connection[Supervisor]
