"""Reviewing bids and awarding projects: ``scoreBid`` and ``awardProject``."""

from __future__ import annotations

import strawberry

from api.bidding.awards import award_project
from api.bidding.review import score_bid
from api.projects.models import Project as ProjectRow
from schema.bidding.types import Award, Bid
from schema.context import Info
from schema.errors import UserError
from schema.payloads import attempt
from schema.projects.types import Project
from schema.relay import pk_or_none


@strawberry.input(description="对一个评审标准的打分。A reviewer's mark on one criterion.")
class CriterionScoreInput:
    criterion: str = strawberry.field(description="评审标准的 key（Criterion.key）。Criterion key.")
    score: float = strawberry.field(description="分数 0..100。Mark from 0 to 100.")


@strawberry.type(description="评审打分的结果。The result of scoring a bid.")
class ScoreBidPayload:
    bid: Bid | None = strawberry.field(
        description="打分后的投标（含综合得分与排名）。The bid with its new score and rank."
    )
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type(description="立项的结果。The result of awarding a project.")
class AwardProjectPayload:
    award: Award | None = strawberry.field(description="立项结果。The award.")
    project: Project | None = strawberry.field(
        description="项目（已立项，含合同款项）。The project, now awarded."
    )
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type
class ReviewMutation:
    @strawberry.mutation(
        description="评审专家为竞争性项目的投标逐项打分（0..100），再次打分则替换本人此前的打分。"
        " A reviewer scores a bid on every criterion; scoring again replaces one's own sheet."
    )
    async def score_bid(
        self, info: Info, bid: strawberry.ID, scores: list[CriterionScoreInput]
    ) -> ScoreBidPayload:
        marks = [(s.criterion, s.score) for s in scores]
        scored, errors = await attempt(
            score_bid(info.context.account, pk_or_none(bid, "Bid"), marks)
        )
        return ScoreBidPayload(bid=Bid.from_row(scored) if scored else None, errors=errors)

    @strawberry.mutation(
        description="立项（主办方或本项目发布单位）：竞争性项目授予排名第一的投标（投标期结束后），"
        "直接认领项目确认认领；同时生成合同与三笔拨付。"
        " Award a project: the top-ranked bid, or confirm the claim; creates the contract"
        " and its three payment tranches."
    )
    async def award_project(self, info: Info, project: strawberry.ID) -> AwardProjectPayload:
        award, errors = await attempt(
            award_project(info.context.account, pk_or_none(project, "Project"))
        )
        if award is None:
            return AwardProjectPayload(award=None, project=None, errors=errors)
        row = await ProjectRow.get(id=award.project_id)
        return AwardProjectPayload(
            award=Award.from_row(award), project=Project.from_row(row), errors=[]
        )
