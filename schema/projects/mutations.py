"""Publishing project lists: ``publishProjects`` (organizers, and publishers for themselves)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.projects.publishing import MAX_PROJECTS, corrections, publish_projects
from schema.context import Info
from schema.errors import UserError, UserNotice, user_notices
from schema.payloads import attempt
from schema.projects.inputs import ProjectInput
from schema.projects.types import Project
from schema.relay import pk_or_none


@strawberry.type(description="发布项目清单的结果。The result of publishing a project list.")
class PublishProjectsPayload:
    projects: list[Project] = strawberry.field(
        description="已发布的项目，顺序同清单；被拒绝时为空。The published projects, in order."
    )
    errors: list[UserError] = strawberry.field(
        description='错误；为空表示成功。每个有问题的行都会报告，如 ["projects", "3", "budget"]。'
    )
    warnings: list[UserNotice] = strawberry.field(
        description="按规定自动处理、发布后与清单不同之处（如预算 10 万元及以上的项目，最少持证"
        '社工提高到 2 人），如 ["projects", "3", "minSocialWorkers"]；被拒绝时同样列出。'
        " What publishing set differently from the list by the rules."
    )


@strawberry.type
class ProjectsMutation:
    @strawberry.mutation(
        description="在一届社洽会上发布项目清单：全部发布或全部不发布（主办方；发布单位只能"
        f"发布本单位的项目）。一次最多 {MAX_PROJECTS} 个。"
        " Publish a list of projects, all or nothing."
    )
    async def publish_projects(
        self,
        info: Info,
        fair: Annotated[strawberry.ID, strawberry.argument(description="届次。The fair.")],
        projects: Annotated[
            list[ProjectInput], strawberry.argument(description="项目清单。The projects.")
        ],
    ) -> PublishProjectsPayload:
        drafts = [p.to_draft() for p in projects]
        work = publish_projects(info.context.account, pk_or_none(fair, "Fair"), drafts)
        rows, errors = await attempt(work)
        return PublishProjectsPayload(
            projects=[Project.from_row(r) for r in rows or []],
            errors=errors,
            warnings=user_notices(corrections(drafts)),
        )
