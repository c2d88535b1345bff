"""Changing a project's supervisor by hand: ``reassignSupervisor``, and the alternatives
the engine offers (``Project.supervisorCandidates``), both for organizers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api.supervisors.reassignment import (
    MAX_CANDIDATES,
    MAX_REASON,
    SupervisorOption,
    reassign_supervisor,
)
from schema.context import Info
from schema.errors import QueryError, UserError
from schema.payloads import attempt
from schema.relay import pk_or_none
from schema.supervisors.assignment import SupervisorAssignment
from schema.supervisors.types import Supervisor, supervisor_by_id

if TYPE_CHECKING:
    from schema.projects.types import Project

ProjectRef = Annotated["Project", strawberry.lazy("schema.projects.types")]


@strawberry.type(
    description="可接替的督导：匹配度、理由与当前负荷（主办方可见）。"
    " A person who may take the project, with fit and reasons."
)
class SupervisorCandidate:
    fit: float = strawberry.field(
        description="匹配度 0..3：专长 +2，区域 +1（与自动指派相同）。Fit, as the engine scores it."
    )
    reasons: list[str] = strawberry.field(description="匹配理由。Why, in Chinese.")
    load: int = strawberry.field(description="当前督导项目数。Projects followed now.")
    max_load: int = strawberry.field(description="最多督导项目数。Maximum load.")
    supervisor_id: strawberry.Private[int]

    @strawberry.field(description="督导。The person.")
    async def supervisor(self, info: Info) -> Supervisor:
        found = await supervisor_by_id(info, self.supervisor_id)
        assert found is not None
        return found

    @classmethod
    def from_option(cls, option: SupervisorOption) -> SupervisorCandidate:
        return cls(
            fit=option.fit,
            reasons=list(option.reasons),
            load=option.load,
            max_load=option.max_load,
            supervisor_id=option.supervisor_id,
        )


@strawberry.type(description="更换督导的结果。The result of reassigning a supervisor.")
class ReassignSupervisorPayload:
    project: ProjectRef | None = strawberry.field(description="项目。The project.")
    assignment: SupervisorAssignment | None = strawberry.field(
        description="新的督导指派。The new assignment."
    )
    previous_supervisor: Supervisor | None = strawberry.field(
        description="原来的督导。The supervisor replaced."
    )
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type
class ReassignmentMutation:
    @strawberry.mutation(
        description="更换一个已立项项目的督导（主办方，须填写理由）：新督导须未满负荷，且与承接"
        "机构无关联、未评审过本项目。可选人选见 Project.supervisorCandidates。"
        " Replace a running project's supervisor, under the assignment engine's rules."
    )
    async def reassign_supervisor(
        self,
        info: Info,
        project: Annotated[strawberry.ID, strawberry.argument(description="项目。The project.")],
        supervisor: Annotated[
            strawberry.ID, strawberry.argument(description="新督导。The new supervisor.")
        ],
        reason: Annotated[
            str, strawberry.argument(description=f"更换理由，必填，最多 {MAX_REASON} 字。Why.")
        ],
    ) -> ReassignSupervisorPayload:
        from schema.projects.types import Project

        work = reassign_supervisor(
            info.context.account,
            pk_or_none(project, "Project"),
            pk_or_none(supervisor, "Supervisor"),
            reason,
        )
        done, errors = await attempt(work)
        if done is None:
            return ReassignSupervisorPayload(
                project=None, assignment=None, previous_supervisor=None, errors=errors
            )
        return ReassignSupervisorPayload(
            project=Project.from_row(done.project),
            assignment=SupervisorAssignment.from_row(done.assignment),
            previous_supervisor=await supervisor_by_id(info, done.previous_supervisor_id),
            errors=[],
        )


def check_candidate_count(first: int) -> int:
    """``first`` of ``supervisorCandidates``: 1..MAX_CANDIDATES."""
    if not 1 <= first <= MAX_CANDIDATES:
        raise QueryError(f"first 须在 1 到 {MAX_CANDIDATES} 之间。", "INVALID_INPUT")
    return first
