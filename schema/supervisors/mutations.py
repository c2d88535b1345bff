"""Adding people to the supervisor and expert pool: ``addSupervisor`` (organizers)."""

from __future__ import annotations

import strawberry

from api.supervisors.services import add_supervisor
from schema.context import Info
from schema.errors import UserError
from schema.payloads import attempt
from schema.supervisors.inputs import SupervisorInput
from schema.supervisors.types import Supervisor


@strawberry.type(description="添加督导专家的结果。The result of adding a supervisor.")
class AddSupervisorPayload:
    supervisor: Supervisor | None = strawberry.field(description="新加入的人员。The new person.")
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type
class SupervisorsMutation:
    @strawberry.mutation(
        description="把督导/评审专家加入专家库（主办方）。Add a person to the expert pool."
    )
    async def add_supervisor(self, info: Info, input: SupervisorInput) -> AddSupervisorPayload:
        row, errors = await attempt(add_supervisor(info.context.account, input.to_spec()))
        return AddSupervisorPayload(
            supervisor=Supervisor.from_row(row) if row else None, errors=errors
        )
