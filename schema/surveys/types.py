"""GraphQL types of the residents' satisfaction surveys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.auth.models import Role
from api.projects.models import Project as ProjectRow
from api.surveys.aggregate import Satisfaction as SatisfactionFigures
from api.surveys.links import survey_link
from api.surveys.models import CommentStatus, SurveyAnswer
from api.surveys.models import SatisfactionSurvey as SurveyRow
from schema.context import Info
from schema.projects.loaders import ProjectByIdLoader
from schema.relay import page_size, to_global_id

if TYPE_CHECKING:
    from schema.projects.types import Project

ProjectRef = Annotated["Project", strawberry.lazy("schema.projects.types")]
MAX_COMMENTS = 100

strawberry.enum(
    CommentStatus,
    name="CommentStatus",
    description="居民意见的审核状态：待审核、已公开、不公开。Moderation of a comment.",
)


def base_url(info: Info) -> str:
    """Where residents reach the site (``SHEQIA_PUBLIC_URL``, else this request's host)."""
    configured = info.context.settings.public_url
    return configured or str(info.context.request.base_url).rstrip("/")


def manages(info: Info, project: ProjectRow) -> bool:
    """Organizers and the project's own publisher run its survey and moderate comments."""
    account = info.context.account
    if account is None:
        return False
    if account.role is Role.ORGANIZER:
        return True
    return account.role is Role.PUBLISHER and account.publisher_id == project.publisher_id


@strawberry.type(description="调查中的一个问题（1–5 分）。A question of the survey, marked 1 to 5.")
class SurveyQuestion:
    key: str = strawberry.field(description="稳定的键。Stable key.")
    text: str = strawberry.field(description="问题。The question, in Chinese.")


@strawberry.type(
    description="一个项目的居民满意度调查窗口：短链接、二维码与海报。A survey window of a project."
)
class SatisfactionSurvey:
    id: strawberry.ID = strawberry.field(description="调查窗口的 id。Survey window id.")
    opens_at: datetime = strawberry.field(description="开始接受答卷。Answers taken from.")
    closes_at: datetime = strawberry.field(description="停止接受答卷。Answers taken until.")
    min_answers: int = strawberry.field(
        description="答卷达到此数后才显示统计。Answers needed before figures are shown."
    )
    questions: list[SurveyQuestion] = strawberry.field(
        description="总体满意度之外的问题（3–5 个）。The questions besides overall satisfaction."
    )
    row: strawberry.Private[SurveyRow]
    # The link reaches whoever holds it: shown to those who run the survey and to those
    # who came by it, not to every visitor of the project page (stuffing from afar).
    reveal: strawberry.Private[bool]

    @strawberry.field(
        description="短链接中的代码；仅主办方、本项目发布单位和经链接打开的人可见。"
        " The short link's code (managers and those who came by the link)."
    )
    def code(self) -> str | None:
        return self.row.code if self.reveal else None

    @strawberry.field(description="现在是否接受答卷。Whether answers are taken now.")
    def is_open(self) -> bool:
        now = datetime.now(UTC)
        return self.row.opens_at <= now < self.row.closes_at

    @strawberry.field(description="居民扫码打开的短链接。The short public link residents open.")
    def link(self, info: Info) -> str | None:
        return survey_link(base_url(info), self.row.code) if self.reveal else None

    @strawberry.field(description="二维码（SVG）的地址。The QR code (SVG).")
    def qr_code_url(self) -> str | None:
        return f"/surveys/{self.row.code}/qr.svg" if self.reveal else None

    @strawberry.field(description="可打印的 A4 海报（PDF）的地址。The printable A4 poster (PDF).")
    def poster_url(self) -> str | None:
        return f"/surveys/{self.row.code}/poster.pdf" if self.reveal else None

    @strawberry.field(description="被调查的项目。The project surveyed.")
    async def project(self, info: Info) -> ProjectRef:
        from schema.projects.types import Project

        row = await info.context.loader(ProjectByIdLoader).load(self.row.project_id)
        assert row is not None
        return Project.from_row(row)

    @classmethod
    def from_row(cls, row: SurveyRow, reveal: bool) -> SatisfactionSurvey:
        return cls(
            id=to_global_id("SatisfactionSurvey", row.id),
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            min_answers=row.min_answers,
            questions=[SurveyQuestion(key=q["key"], text=q["text"]) for q in row.questions],
            row=row,
            reveal=reveal,
        )


@strawberry.type(description="一个问题的平均分。The mean mark of one question.")
class SurveyQuestionFigure:
    key: str = strawberry.field(description="问题的键。Question key.")
    text: str = strawberry.field(description="问题。The question.")
    mean: float | None = strawberry.field(description="平均分 1–5。Mean mark, 1 to 5.")


@strawberry.type(description="居民的一条意见。A resident's comment.")
class SurveyComment:
    id: strawberry.ID = strawberry.field(description="意见的 id（审核时用）。Comment id.")
    text: str = strawberry.field(description="意见内容。The comment.")
    submitted_at: datetime = strawberry.field(description="提交时间。When it was written.")
    status: CommentStatus = strawberry.field(description="审核状态。Moderation status.")

    @classmethod
    def from_row(cls, row: SurveyAnswer) -> SurveyComment:
        return cls(
            id=to_global_id("SurveyComment", row.id),
            text=row.comment or "",
            submitted_at=row.submitted_at,
            status=row.comment_status or CommentStatus.PENDING,
        )


@strawberry.type(
    description="居民满意度：最近一次调查窗口的答卷数与统计；答卷不足 minAnswers 时统计为 null。"
    " Residents' satisfaction: the latest window; figures hidden below the threshold."
)
class Satisfaction:
    count: int = strawberry.field(description="答卷数。Answers received.")
    min_answers: int = strawberry.field(description="显示统计所需的答卷数。Threshold.")
    shown: bool = strawberry.field(description="答卷已达到门槛，统计可见。Figures shown.")
    mean: float | None = strawberry.field(
        description="总体满意度平均分 1–5。Mean overall satisfaction, 1 to 5."
    )
    distribution: list[int] | None = strawberry.field(
        description="1 到 5 分各有几份答卷。How many answers gave 1, 2, 3, 4 and 5."
    )
    score: float | None = strawberry.field(
        description="折算为评估的 0–100 分（1 分→0，5 分→100），作为“服务对象满意度”的建议分。"
        " The mean on the evaluation's 0–100 scale: the beneficiary component proposed."
    )
    questions: list[SurveyQuestionFigure] | None = strawberry.field(
        description="各问题的平均分。Mean mark per question."
    )
    window: SatisfactionSurvey = strawberry.field(description="调查窗口。The survey window.")
    figures: strawberry.Private[SatisfactionFigures]
    project_row: strawberry.Private[ProjectRow]

    @strawberry.field(
        description="居民意见：所有人可见已公开的（统计可见时）；主办方与本项目发布单位可见全部，"
        "以便审核。新的在前。Comments: approved ones for everyone, all for moderators."
    )
    async def comments(self, info: Info, first: int | None = 20) -> list[SurveyComment]:
        limit = page_size(first, MAX_COMMENTS)
        rows = SurveyAnswer.filter(survey_id=self.figures.survey.id, comment__isnull=False)
        if not manages(info, self.project_row):
            if not self.shown:
                return []
            rows = rows.filter(comment_status=CommentStatus.APPROVED)
        found = await rows.order_by("-submitted_at", "-id").limit(limit)
        return [SurveyComment.from_row(r) for r in found]

    @classmethod
    def from_figures(
        cls, figures: SatisfactionFigures, project: ProjectRow, reveal: bool
    ) -> Satisfaction:
        questions = None
        if figures.shown and figures.mean is not None:
            questions = [
                SurveyQuestionFigure(key=q.key, text=q.text, mean=q.mean) for q in figures.questions
            ]
        return cls(
            count=figures.count,
            min_answers=figures.survey.min_answers,
            shown=figures.mean is not None,
            mean=figures.mean,
            distribution=figures.distribution,
            score=figures.score,
            questions=questions,
            window=SatisfactionSurvey.from_row(figures.survey, reveal),
            figures=figures,
            project_row=project,
        )
