"""GraphQL types of bids and awards."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.auth.models import Role
from api.bidding.models import Award as AwardRow
from api.bidding.models import Bid as BidRow
from api.bidding.queries import visible_bids
from api.projects.models import Project as ProjectRow
from schema.bidding.loaders import BidByIdLoader, ReviewScoreByBidAndReviewerLoader
from schema.connections import Connection, visible_connection
from schema.context import Info
from schema.organizations.loaders import OrganizationByIdLoader
from schema.relay import Node, to_global_id

if TYPE_CHECKING:
    from schema.organizations.types import Organization
    from schema.projects.types import Project

OrganizationRef = Annotated["Organization", strawberry.lazy("schema.organizations.types")]
ProjectRef = Annotated["Project", strawberry.lazy("schema.projects.types")]


async def _organization(info: Info, organization_id: int) -> Organization:
    from schema.organizations.types import Organization

    row = await info.context.loader(OrganizationByIdLoader).load(organization_id)
    assert row is not None
    return Organization.from_row(row)


@strawberry.type(description="我给这份投标打的分。The viewing reviewer's own score sheet.")
class MyReview:
    total: float = strawberry.field(description="加权总分。Weighted total of my sheet.")
    at: datetime = strawberry.field(description="打分时间。When I scored it.")


@strawberry.type(
    description="认领或投标。A claim on a DIRECT project or a bid for a COMPETITIVE one."
)
class Bid(Node):
    amount: Decimal = strawberry.field(description="报价（元）。Amount asked, CNY.")
    management_fee: Decimal = strawberry.field(description="管理费（不超过报价的 10%）。")
    social_workers: int = strawberry.field(description="投入的持证专职社工人数。")
    plan: str = strawberry.field(description="服务方案。Service plan.")
    submitted_at: datetime = strawberry.field(description="提交时间。Submitted at.")
    status: str = strawberry.field(
        description="SUBMITTED 已提交 / WITHDRAWN 已撤回 / AWARDED 中标 / LOST 未中标。"
    )
    score: float | None = strawberry.field(description="评审综合得分。Aggregated review score.")
    rank: int | None = strawberry.field(description="排名。Rank among the project's bids.")
    release_notice: str | None = strawberry.field(
        description="项目被撤回时解除本投标的说明（撤回理由）；否则为 null。"
        " Why the bid was released when its project was withdrawn."
    )
    row: strawberry.Private[BidRow]

    @strawberry.field(description="所投项目。The project.")
    async def project(self, info: Info) -> ProjectRef:
        from schema.organizations.types import projects_by_ids

        return (await projects_by_ids(info, [self.row.project_id]))[0]

    @strawberry.field(description="投标的社会组织。The bidding organization.")
    async def organization(self, info: Info) -> OrganizationRef:
        return await _organization(info, self.row.organization_id)

    @strawberry.field(
        description="当前评审专家自己对这份投标的打分；未打分或不是评审专家时为空，"
        "评审据此区分待评和已评。The viewing reviewer's own sheet, if any."
    )
    async def my_review(self, info: Info) -> MyReview | None:
        account = info.context.account
        if account is None or account.role is not Role.REVIEWER or account.supervisor_id is None:
            return None
        loader = info.context.loader(ReviewScoreByBidAndReviewerLoader)
        row = await loader.load((self.row.id, account.supervisor_id))
        return MyReview(total=row.total, at=row.at) if row else None

    @classmethod
    def from_row(cls, row: BidRow) -> Bid:
        return cls(
            id=to_global_id("Bid", row.id),
            amount=row.amount,
            management_fee=row.management_fee,
            social_workers=row.social_workers,
            plan=row.plan,
            submitted_at=row.submitted_at,
            status=row.status.value,
            score=row.score,
            rank=row.rank,
            release_notice=row.release_notice,
            row=row,
        )


async def bid_connection(
    info: Info, project: ProjectRow, first: int | None, after: str | None
) -> Connection[Bid]:
    query = visible_bids(info.context.account, project)
    return await visible_connection(query, first, after, Bid.from_row)


@strawberry.type(description="立项结果。The award of a project to one bid.")
class Award:
    amount: Decimal = strawberry.field(description="合同金额（元）。Contract amount.")
    awarded_at: datetime = strawberry.field(description="立项时间。Awarded at.")
    row: strawberry.Private[AwardRow]

    @strawberry.field(description="中标的投标。The winning bid.")
    async def bid(self, info: Info) -> Bid:
        row = await info.context.loader(BidByIdLoader).load(self.row.bid_id)
        assert row is not None
        return Bid.from_row(row)

    @strawberry.field(description="承接的社会组织。The organization.")
    async def organization(self, info: Info) -> OrganizationRef:
        return await _organization(info, self.row.organization_id)

    @classmethod
    def from_row(cls, row: AwardRow) -> Award:
        return cls(amount=row.amount, awarded_at=row.awarded_at, row=row)


BidConnection = Connection[Bid]
