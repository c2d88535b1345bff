"""Inputs of the fair mutations: an edition's window and its weighted rules."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.fairs.services import FairSpec, Weighted
from api.fairs.survey_settings import QuestionSpec


@strawberry.input(description="评审标准或评估组成项及其权重。A weighted criterion or component.")
class CriterionInput:
    key: str = strawberry.field(
        description="稳定的键（小写字母、数字、下划线），评分时引用。Stable key, e.g. plan."
    )
    name: str = strawberry.field(description="名称。Name shown to reviewers and evaluators.")
    weight: float = strawberry.field(description="权重，大于 0；各项合计 100。Weight; total 100.")

    def to_weighted(self) -> Weighted:
        return Weighted(key=self.key, name=self.name, weight=self.weight)


@strawberry.input(description="居民满意度调查的一个问题（1–5 分）。A survey question.")
class SurveyQuestionInput:
    key: str = strawberry.field(description="稳定的键（小写字母、数字、下划线）。Stable key.")
    text: str = strawberry.field(description="问题，最多 60 字。The question, in Chinese.")


@strawberry.input(
    description="一届社洽会的设置；评审标准和评估组成项不填时取默认值（修改时保持不变）。"
    " A fair edition; criteria and components take the defaults unless given."
)
class FairInput:
    edition: int = strawberry.field(description="届次，正整数且不重复。Edition number.")
    name: str = strawberry.field(description="名称。Name, e.g. 第五届社洽会.")
    opens_at: datetime = strawberry.field(description="开放认领时间。When claiming opens.")
    closes_at: datetime = strawberry.field(
        description="截止时间，须晚于开放时间；设为现在即结束本届。When it closes."
    )
    criteria: list[CriterionInput] | None = strawberry.field(
        default=None,
        description="竞争性项目的评审标准，权重合计 100；已有评分后不能修改。Review criteria.",
    )
    evaluation_components: list[CriterionInput] | None = strawberry.field(
        default=None,
        description="项目评估的组成项，须含 community（社区居委会评价）和 beneficiary"
        "（服务对象满意度），两者合计不少于 60，全部合计 100。Evaluation components.",
    )
    midterm_share: float | None = strawberry.field(
        default=None,
        description="中期评估通过后支付的比例，0.30–0.40（默认 0.40）。Mid-term tranche share.",
    )
    pass_mark: float | None = strawberry.field(
        default=None, description="评估合格分，默认 60。Evaluation pass mark (default 60)."
    )

    survey_questions: list[SurveyQuestionInput] | None = strawberry.field(
        default=None,
        description="居民满意度调查中总体满意度之外的 3–5 个问题（不填取默认）；"
        "只影响之后开启的调查。"
        " The survey's 3–5 questions besides overall satisfaction.",
    )
    survey_min_answers: int | None = strawberry.field(
        default=None,
        description="满意度调查答卷达到多少份才显示统计（3–500，默认 10）。"
        " Answers needed before survey figures are shown.",
    )

    def to_spec(self) -> FairSpec:
        return FairSpec(
            edition=self.edition,
            name=self.name,
            opens_at=self.opens_at,
            closes_at=self.closes_at,
            criteria=_weighted(self.criteria),
            evaluation_components=_weighted(self.evaluation_components),
            midterm_share=self.midterm_share,
            pass_mark=self.pass_mark,
            survey_questions=None
            if self.survey_questions is None
            else [QuestionSpec(q.key, q.text) for q in self.survey_questions],
            survey_min_answers=self.survey_min_answers,
        )


def _weighted(items: list[CriterionInput] | None) -> list[Weighted] | None:
    return None if items is None else [c.to_weighted() for c in items]
