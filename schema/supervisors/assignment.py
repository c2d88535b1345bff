"""Assigning supervisors: ``assignSupervisors``, and the assignment organizers can inspect."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.errors import ErrorCode
from api.supervisors.assignment import assign_supervisors
from api.supervisors.models import Assignment
from schema.context import Info
from schema.errors import UserError
from schema.payloads import attempt
from schema.relay import pk_or_none
from schema.supervisors.types import Supervisor, supervisor_by_id

if TYPE_CHECKING:
    from schema.projects.types import Project

ProjectRef = Annotated["Project", strawberry.lazy("schema.projects.types")]


@strawberry.type(description="没能派到督导的项目及原因。A project left without a supervisor.")
class UnassignedProject:
    project: ProjectRef = strawberry.field(description="项目。The project.")
    code: ErrorCode = strawberry.field(
        description="原因代码（NO_ELIGIBLE_SUPERVISOR）。Reason code."
    )
    reason: str = strawberry.field(description="中文说明。Why, in Chinese.")


@strawberry.type(description="派督导的结果。The result of assigning supervisors.")
class AssignSupervisorsPayload:
    assigned: list[ProjectRef] = strawberry.field(
        description="本次派到督导的项目。Projects given a supervisor by this call."
    )
    unassigned: list[ProjectRef] = strawberry.field(
        description="没能派到督导的项目。Projects nobody could take."
    )
    unassigned_reasons: list[UnassignedProject] = strawberry.field(
        description="没能派到督导的项目及原因。Projects nobody could take, with the reason."
    )
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type(description="项目的督导指派（仅主办方可见）。How a supervisor was chosen.")
class SupervisorAssignment:
    fit: float = strawberry.field(description="匹配度 0..3：专长对口 +2，服务区域覆盖项目所在区 +1"
        "（负荷与回避是必须满足的条件）。How well the supervisor fits, 0..3.")
    reasons: list[str] = strawberry.field(description="指派理由。Why this supervisor.")
    assigned_at: datetime = strawberry.field(description="指派时间。Assigned at.")
    row: strawberry.Private[Assignment]

    @strawberry.field(description="督导。The supervisor.")
    async def supervisor(self, info: Info) -> Supervisor:
        found = await supervisor_by_id(info, self.row.supervisor_id)
        assert found is not None
        return found

    @classmethod
    def from_row(cls, row: Assignment) -> SupervisorAssignment:
        return cls(fit=row.fit, reasons=list(row.reasons), assigned_at=row.assigned_at, row=row)


@strawberry.type
class AssignmentMutation:
    @strawberry.mutation(
        description="为本届每个已立项且尚无督导的项目指派一名督导（主办方）：不超负荷，"
        "回避与承接机构有关联或参与过评审的人，优先专长与区域匹配、负荷较轻者。"
        " Give every awarded project of the fair without a supervisor exactly one."
    )
    async def assign_supervisors(self, info: Info, fair: strawberry.ID) -> AssignSupervisorsPayload:
        from schema.projects.types import Project

        outcome, errors = await attempt(
            assign_supervisors(info.context.account, pk_or_none(fair, "Fair"))
        )
        if outcome is None:
            return AssignSupervisorsPayload(
                assigned=[], unassigned=[], unassigned_reasons=[], errors=errors
            )
        return AssignSupervisorsPayload(
            assigned=[Project.from_row(p) for p in outcome.assigned],
            unassigned=[Project.from_row(u.project) for u in outcome.unassigned],
            unassigned_reasons=[
                UnassignedProject(project=Project.from_row(u.project), code=u.code, reason=u.reason)
                for u in outcome.unassigned
            ],
            errors=[],
        )
