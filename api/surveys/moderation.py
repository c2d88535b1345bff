"""Moderating residents' comments: none is public before the organizer or the project's
publisher has read it and let it through."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.errors import DomainError, ErrorCode
from api.projects.models import Project
from api.surveys.access import require_manager
from api.surveys.models import CommentStatus, SatisfactionSurvey, SurveyAnswer


async def moderate_comment(
    actor: Account | None, answer_id: int | None, approve: bool
) -> SurveyAnswer:
    """Make a comment public (approve) or keep it hidden for good (reject)."""
    require(actor, Role.ORGANIZER, Role.PUBLISHER)  # who is asking comes first
    answer = await SurveyAnswer.get_or_none(id=answer_id) if answer_id is not None else None
    if answer is None or answer.comment is None:
        message = "没有这条意见。No such comment."
        raise DomainError.one(ErrorCode.NOT_FOUND, message, ["comment"])
    survey = await SatisfactionSurvey.get(id=answer.survey_id)
    project = await Project.get(id=survey.project_id)
    account = require_manager(actor, project)
    status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    async with in_transaction():
        await SurveyAnswer.filter(id=answer.id).update(
            comment_status=status, moderated_at=datetime.now(UTC)
        )
        await record(
            account,
            "moderateSatisfactionComment",
            [answer, project],
            {"status": status.value, "was": answer.comment_status},
        )
    return await SurveyAnswer.get(id=answer.id)
