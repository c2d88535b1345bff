"""The event a subscriber receives: what happened, when, to which project, by whom."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.auth.models import Account
from api.live.events import FairEvent as Event
from api.live.visibility import sees_organization
from schema.context import Info
from schema.errors import QueryError
from schema.organizations.loaders import OrganizationByIdLoader
from schema.organizations.types import Organization
from schema.projects.loaders import ProjectByIdLoader
from schema.projects.types import Project


@strawberry.type(
    name="FairEvent",
    description=(
        "洽谈会上刚发生的一件事（事务提交之后才发出）。Something that just happened at the fair."
    ),
)
class FairEvent:
    id: strawberry.ID = strawberry.field(
        description="事件编号，各 worker 间唯一，可用于去重。Unique event id, for de-duplication."
    )
    kind: str = strawberry.field(
        description=(
            "事件种类：CLAIMED 认领、BID 投标、WITHDRAWN 撤回、AWARDED 立项、"
            "SUPERVISOR_ASSIGNED 配备督导、SUPERVISOR_REASSIGNED 更换督导、"
            "PROJECT_WITHDRAWN 项目撤回、"
            "EVALUATED 评估、PAID 拨付。The kind of event."
        )
    )
    at: datetime = strawberry.field(description="发生时间。When it was committed.")
    project_id: strawberry.Private[int]
    organization_id: strawberry.Private[int | None]
    # What this worker's subscribers share of the event (``Delivery.shared``): its rows
    # and the answers already executed (schema/live/execution.py).
    shared: strawberry.Private[dict[str, Any] | None] = None

    @classmethod
    def of(
        cls, event: Event, viewer: Account | None, shared: dict[str, Any] | None = None
    ) -> FairEvent:
        shown = event.organization_id if sees_organization(viewer, event) else None
        return cls(
            id=strawberry.ID(event.id),
            kind=event.kind.value,
            at=event.at,
            project_id=event.project_id,
            organization_id=shown,
            shared=shared,
        )

    @strawberry.field(description="事件所涉项目（事件发生后的状态）。The project, as it now is.")
    async def project(self, info: Info) -> Project:
        row = await info.context.loader(ProjectByIdLoader).load(self.project_id)
        if row is None:
            raise QueryError("项目不存在。No such project.", "NOT_FOUND")
        return Project.from_row(row)

    @strawberry.field(
        description=(
            "相关社会组织；认领、投标与撤回在立项前只对能看到该投标的人显示，其他人为空。"
            " The organization; for bids, only to those who may see the bid."
        )
    )
    async def organization(self, info: Info) -> Organization | None:
        if self.organization_id is None:
            return None
        row = await info.context.loader(OrganizationByIdLoader).load(self.organization_id)
        return Organization.from_row(row) if row else None
