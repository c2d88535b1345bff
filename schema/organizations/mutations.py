"""Registering organizations into the resource pool: ``registerOrganization`` (organizers)."""

from __future__ import annotations

import strawberry

from api.organizations.services import register_organization
from schema.context import Info
from schema.errors import UserError
from schema.organizations.inputs import OrganizationInput
from schema.organizations.types import Organization
from schema.payloads import attempt


@strawberry.type(description="登记社会组织的结果。The result of registering an organization.")
class RegisterOrganizationPayload:
    organization: Organization | None = strawberry.field(
        description="登记的社会组织。The registered organization."
    )
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type
class OrganizationsMutation:
    @strawberry.mutation(
        description="把社会组织登记到资源库，登记后立即参与匹配推荐（主办方）。"
        " Register an organization in the pool; it is matchable at once (organizers)."
    )
    async def register_organization(
        self, info: Info, input: OrganizationInput
    ) -> RegisterOrganizationPayload:
        work = register_organization(info.context.account, input.to_spec())
        row, errors = await attempt(work)
        return RegisterOrganizationPayload(
            organization=Organization.from_row(row) if row else None, errors=errors
        )
