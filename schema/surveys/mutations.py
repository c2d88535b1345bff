"""Survey mutations: open and close a window, a resident's answer, comment moderation."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.projects.models import Project as ProjectRow
from api.surveys.answers import AnswerSpec, submit_answer
from api.surveys.identity import pepper_of
from api.surveys.moderation import moderate_comment
from api.surveys.windows import close_survey, open_survey
from schema.context import Info
from schema.errors import UserError
from schema.payloads import attempt
from schema.projects.types import Project
from schema.relay import pk_or_none
from schema.surveys.types import SatisfactionSurvey, SurveyComment


@strawberry.input(description="对一个问题的打分 1–5。A mark of 1 to 5 on one question.")
class SurveyMarkInput:
    question: str = strawberry.field(description="问题的键（SurveyQuestion.key）。Question key.")
    score: int = strawberry.field(description="1–5 分。From 1 to 5.")


@strawberry.input(description="居民的一份答卷（无需账号）。A resident's answer, no account.")
class SatisfactionAnswerInput:
    device_token: str = strawberry.field(
        description="页面在本机生成并保存的随机标识（16–64 位字母数字）；同一设备只能答一次。"
        " A random token the page keeps on the device: one answer per device."
    )
    overall: int = strawberry.field(description="总体满意度 1–5。Overall satisfaction, 1 to 5.")
    answers: list[SurveyMarkInput] = strawberry.field(
        description="每个问题的打分。A mark for every question."
    )
    comment: str | None = strawberry.field(
        default=None, description="意见建议（可选，审核后公开，最多 500 字）。Optional comment."
    )
    phone: str | None = strawberry.field(
        default=None,
        description="手机号（可选）：仅用于防止重复提交，只保存加密散列。"
        " Optional mobile number: one answer per number; only a keyed hash is kept.",
    )


@strawberry.type(description="开启满意度调查的结果。The result of opening a survey window.")
class OpenSatisfactionSurveyPayload:
    survey: SatisfactionSurvey | None = strawberry.field(description="新的调查窗口。The window.")
    project: Project | None = strawberry.field(description="项目。The project.")
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type(description="结束满意度调查的结果。The result of closing a survey window.")
class CloseSatisfactionSurveyPayload:
    survey: SatisfactionSurvey | None = strawberry.field(description="已结束的窗口。The window.")
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type(description="提交答卷的结果。The result of a resident's answer.")
class SubmitSatisfactionSurveyPayload:
    accepted: bool = strawberry.field(description="答卷已保存。The answer was stored.")
    comment_pending: bool = strawberry.field(
        description="附有意见，审核后公开。A comment awaits moderation."
    )
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type(description="审核居民意见的结果。The result of moderating a comment.")
class ModerateSatisfactionCommentPayload:
    comment: SurveyComment | None = strawberry.field(description="审核后的意见。The comment.")
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type
class SurveysMutation:
    @strawberry.mutation(
        description="为实施中的项目开启居民满意度调查（主办方或本项目发布单位），生成短链接、"
        "二维码和海报。Open a residents' survey window for a project in delivery."
    )
    async def open_satisfaction_survey(
        self,
        info: Info,
        project: strawberry.ID,
        closes_at: datetime,
        opens_at: datetime | None = None,
    ) -> OpenSatisfactionSurveyPayload:
        work = open_survey(
            info.context.account, pk_or_none(project, "Project"), closes_at, opens_at
        )
        survey, errors = await attempt(work)
        if survey is None:
            return OpenSatisfactionSurveyPayload(survey=None, project=None, errors=errors)
        row = await ProjectRow.get(id=survey.project_id)
        return OpenSatisfactionSurveyPayload(
            survey=SatisfactionSurvey.from_row(survey, reveal=True),
            project=Project.from_row(row),
            errors=[],
        )

    @strawberry.mutation(
        description="提前结束满意度调查（主办方或本项目发布单位）；已收到的答卷保留。"
        " Close a survey window now."
    )
    async def close_satisfaction_survey(
        self, info: Info, survey: strawberry.ID
    ) -> CloseSatisfactionSurveyPayload:
        work = close_survey(info.context.account, pk_or_none(survey, "SatisfactionSurvey"))
        row, errors = await attempt(work)
        return CloseSatisfactionSurveyPayload(
            survey=SatisfactionSurvey.from_row(row, reveal=True) if row else None, errors=errors
        )

    @strawberry.mutation(
        description="居民提交满意度答卷（无需登录）：每台设备、每个手机号只能提交一次。"
        " A resident answers a survey, without an account."
    )
    async def submit_satisfaction_survey(
        self, info: Info, code: str, input: SatisfactionAnswerInput
    ) -> SubmitSatisfactionSurveyPayload:
        spec = AnswerSpec(
            device_token=input.device_token,
            overall=input.overall,
            marks=[(a.question, a.score) for a in input.answers],
            comment=input.comment,
            phone=input.phone,
        )
        settings = info.context.settings
        pepper = pepper_of(settings.survey_pepper, production=False)
        answer, errors = await attempt(submit_answer(code, spec, pepper))
        return SubmitSatisfactionSurveyPayload(
            accepted=answer is not None,
            comment_pending=answer is not None and answer.comment is not None,
            errors=errors,
        )

    @strawberry.mutation(
        description="审核居民意见（主办方或本项目发布单位）：公开或不公开。"
        " Approve (make public) or reject a resident's comment."
    )
    async def moderate_satisfaction_comment(
        self, info: Info, comment: strawberry.ID, approve: bool
    ) -> ModerateSatisfactionCommentPayload:
        work = moderate_comment(info.context.account, pk_or_none(comment, "SurveyComment"), approve)
        row, errors = await attempt(work)
        return ModerateSatisfactionCommentPayload(
            comment=SurveyComment.from_row(row) if row else None, errors=errors
        )
