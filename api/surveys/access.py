"""Who may run a project's survey: the organizers, and the project's own publisher."""

from __future__ import annotations

from api.auth.models import Account, Role
from api.auth.permissions import require
from api.errors import DomainError, ErrorCode
from api.projects.models import Project


def require_manager(actor: Account | None, project: Project) -> Account:
    """The actor when it is an organizer or the publisher of ``project``; a refusal else."""
    account = require(actor, Role.ORGANIZER, Role.PUBLISHER)
    if account.role is Role.PUBLISHER and account.publisher_id != project.publisher_id:
        message = "只有主办方和本项目的发布单位可以管理满意度调查。Not this project's publisher."
        raise DomainError.one(ErrorCode.FORBIDDEN, message)
    return account


async def project_or_refusal(project_id: int | None) -> Project:
    project = await Project.get_or_none(id=project_id) if project_id is not None else None
    if project is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "项目不存在。No such project.", ["project"])
    return project
