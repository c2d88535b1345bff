"""Withdrawing a project: ``withdrawProject`` (its publisher, or an organizer)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.projects.withdrawal import MAX_REASON, withdraw_project
from schema.bidding.types import Bid
from schema.context import Info
from schema.errors import UserError
from schema.payloads import attempt
from schema.projects.types import Project
from schema.relay import pk_or_none


@strawberry.type(description="撤回项目的结果。The result of withdrawing a project.")
class WithdrawProjectPayload:
    project: Project | None = strawberry.field(description="已撤回的项目。The project.")
    released_bids: list[Bid] = strawberry.field(
        description="因撤回而解除的投标（均为 WITHDRAWN，附说明）。The bids released."
    )
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type
class ProjectWithdrawalMutation:
    @strawberry.mutation(
        description="在项目被认领或立项之前撤回它（本项目的发布单位或主办方，须填写理由）："
        "已有的投标随之解除，投标机构可看到理由。"
        " Withdraw a project nobody has claimed or been awarded; its bids are released."
    )
    async def withdraw_project(
        self,
        info: Info,
        project: Annotated[strawberry.ID, strawberry.argument(description="项目。The project.")],
        reason: Annotated[
            str,
            strawberry.argument(description=f"撤回理由，必填，最多 {MAX_REASON} 字。Why."),
        ],
    ) -> WithdrawProjectPayload:
        work = withdraw_project(info.context.account, pk_or_none(project, "Project"), reason)
        result, errors = await attempt(work)
        if result is None:
            return WithdrawProjectPayload(project=None, released_bids=[], errors=errors)
        row, released = result
        return WithdrawProjectPayload(
            project=Project.from_row(row),
            released_bids=[Bid.from_row(b) for b in released],
            errors=[],
        )
