"""GraphQL types of accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api.auth.models import Account as AccountRow
from api.auth.models import Role
from schema.context import Info
from schema.places.loaders import PublisherByIdLoader
from schema.places.types import Publisher

if TYPE_CHECKING:
    from schema.organizations.types import Organization
    from schema.supervisors.types import Supervisor

OrganizationRef = Annotated["Organization", strawberry.lazy("schema.organizations.types")]
SupervisorRef = Annotated["Supervisor", strawberry.lazy("schema.supervisors.types")]

strawberry.enum(
    Role, name="Role", description="角色：组织方、发布单位、社会组织、评审专家、督导。Roles."
)


@strawberry.type(description="登录账号。A login account.")
class Account:
    username: str = strawberry.field(description="用户名。Username.")
    role: Role = strawberry.field(description="角色。Role.")
    row: strawberry.Private[AccountRow]

    @strawberry.field(description="所属社会组织（社会组织账号）。Its organization.")
    async def organization(self, info: Info) -> OrganizationRef | None:
        from schema.bidding.types import _organization

        if self.row.organization_id is None:
            return None
        return await _organization(info, self.row.organization_id)

    @strawberry.field(description="对应的专家库成员（评审/督导账号）。Its expert-pool person.")
    async def supervisor(self, info: Info) -> SupervisorRef | None:
        from schema.supervisors.types import supervisor_by_id

        if self.row.supervisor_id is None:
            return None
        return await supervisor_by_id(info, self.row.supervisor_id)

    @strawberry.field(description="所属发布单位（发布单位账号）。Its publisher.")
    async def publisher(self, info: Info) -> Publisher | None:
        if self.row.publisher_id is None:
            return None
        row = await info.context.loader(PublisherByIdLoader).load(self.row.publisher_id)
        return Publisher.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: AccountRow) -> Account:
        return cls(username=row.username, role=row.role, row=row)
