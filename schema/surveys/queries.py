"""``Query.satisfactionSurvey``: the resident's page reads its survey by the link's code."""

from __future__ import annotations

import strawberry

from api.surveys.answers import survey_by_code
from schema.context import Info
from schema.surveys.types import SatisfactionSurvey


@strawberry.type
class SurveysQuery:
    @strawberry.field(
        description="按短链接代码取满意度调查（无需登录）；没有则为 null。"
        " A survey window by its link's code, for the resident's page (no login)."
    )
    async def satisfaction_survey(self, info: Info, code: str) -> SatisfactionSurvey | None:
        row = await survey_by_code(code)
        return SatisfactionSurvey.from_row(row, reveal=True) if row else None
