"""Claiming and bidding: ``claimProject`` and ``withdrawBid``."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from api.bidding.claims import BidDraft, claim_project
from api.bidding.withdrawal import withdraw_bid
from schema.bidding.types import Bid
from schema.context import Info
from schema.errors import UserError
from schema.payloads import attempt
from schema.projects.types import Project
from schema.relay import pk_or_none


@strawberry.input(description="认领或投标的内容。What an organization offers for a project.")
class BidInput:
    amount: Decimal = strawberry.field(
        description="报价（元），不超过项目预算。Amount asked, CNY, at most the budget."
    )
    management_fee: Decimal = strawberry.field(
        description="其中的管理费（元），不超过报价的 10%。"
        " Management fee, at most 10% of the amount."
    )
    social_workers: int = strawberry.field(
        description="投入的持证专职社工人数：不少于项目要求，不多于本机构登记人数。"
        " Full-time social workers committed."
    )
    plan: str = strawberry.field(description="服务方案。The service plan.")


@strawberry.type(description="认领或投标的结果。The result of a claim or bid.")
class ClaimProjectPayload:
    bid: Bid | None = strawberry.field(description="新的认领或投标。The new bid.")
    project: Project | None = strawberry.field(
        description="项目（含认领后的状态）。The project, in its new status."
    )
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type(description="撤回投标的结果。The result of withdrawing a bid.")
class WithdrawBidPayload:
    bid: Bid | None = strawberry.field(description="已撤回的投标。The withdrawn bid.")
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type
class ClaimsMutation:
    @strawberry.mutation(
        description="认领直接认领类项目（先到先得）或投标竞争性项目（社会组织账号）。"
        " Claim a DIRECT project (first eligible claim wins) or bid for a COMPETITIVE one."
    )
    async def claim_project(
        self, info: Info, project: strawberry.ID, bid: BidInput
    ) -> ClaimProjectPayload:
        draft = BidDraft(
            amount=bid.amount,
            management_fee=bid.management_fee,
            social_workers=bid.social_workers,
            plan=bid.plan,
        )
        work = claim_project(info.context.account, pk_or_none(project, "Project"), draft)
        result, errors = await attempt(work)
        if result is None:
            return ClaimProjectPayload(bid=None, project=None, errors=errors)
        new_bid, claimed = result
        return ClaimProjectPayload(
            bid=Bid.from_row(new_bid), project=Project.from_row(claimed), errors=[]
        )

    @strawberry.mutation(
        description="在洽谈会开放期间撤回本机构的认领或投标。"
        " Withdraw one's own bid while the fair is open."
    )
    async def withdraw_bid(self, info: Info, bid: strawberry.ID) -> WithdrawBidPayload:
        work = withdraw_bid(info.context.account, pk_or_none(bid, "Bid"))
        withdrawn, errors = await attempt(work)
        return WithdrawBidPayload(bid=Bid.from_row(withdrawn) if withdrawn else None, errors=errors)
