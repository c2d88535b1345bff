"""The organizer's own sheets of the results workbook: every bid and every reviewer's marks.

The public sees a competition through its award only (the winning bid's score and rank);
losing and withdrawn bids, management fees and each reviewer's sheet stay with those who
run the fair, as ``api.bidding.queries.visible_bids`` decides for the API.
"""

from __future__ import annotations

from typing import Any

from api.bidding.models import Bid, BidStatus, ReviewScore
from api.spreadsheets.cells import Sheet, moment, money

BID_STATUS_NAMES: dict[BidStatus, str] = {
    BidStatus.SUBMITTED: "已提交",
    BidStatus.WITHDRAWN: "已撤回",
    BidStatus.AWARDED: "中标",
    BidStatus.LOST: "未中标",
}
BID_HEADERS = (
    "项目编号",
    "项目名称",
    "社会组织",
    "统一社会信用代码",
    "报价（元）",
    "管理费（元）",
    "持证社工",
    "状态",
    "评审得分",
    "排名",
    "提交时间",
)
SCORE_HEADERS = (
    "项目编号",
    "项目名称",
    "社会组织",
    "评审专家",
    "总分",
    "各项得分",
    "评分时间",
)


async def bids_sheet(fair_id: int) -> Sheet:
    """Every claim and bid of the fair, by project and rank."""
    bids = (
        await Bid.filter(project__fair_id=fair_id)
        .order_by("project_id", "rank", "id")
        .values(
            "project__code",
            "project__title",
            "organization__name",
            "organization__credit_code",
            "amount",
            "management_fee",
            "social_workers",
            "status",
            "score",
            "rank",
            "submitted_at",
        )
    )
    rows = [
        [
            b["project__code"],
            b["project__title"],
            b["organization__name"],
            b["organization__credit_code"],
            money(b["amount"]),
            money(b["management_fee"]),
            b["social_workers"],
            BID_STATUS_NAMES[BidStatus(b["status"])],
            b["score"],
            b["rank"],
            moment(b["submitted_at"]),
        ]
        for b in bids
    ]
    return Sheet("投标", BID_HEADERS, rows)


async def scores_sheet(fair_id: int) -> Sheet:
    """Each reviewer's sheet for each bid: the total and the mark of every criterion."""
    reviews = (
        await ReviewScore.filter(bid__project__fair_id=fair_id)
        .order_by("bid__project_id", "bid_id", "reviewer_id")
        .values(
            "bid__project__code",
            "bid__project__title",
            "bid__organization__name",
            "reviewer__name",
            "total",
            "scores",
            "at",
        )
    )
    rows = [
        [
            r["bid__project__code"],
            r["bid__project__title"],
            r["bid__organization__name"],
            r["reviewer__name"],
            r["total"],
            _marks(r["scores"]),
            moment(r["at"]),
        ]
        for r in reviews
    ]
    return Sheet("评审评分", SCORE_HEADERS, rows)


def _marks(scores: Any) -> str:
    """``{"criterion": mark}`` as one readable cell: "方案 90；团队 85"."""
    if not isinstance(scores, dict):
        return ""
    return "；".join(f"{key} {_number(value)}" for key, value in scores.items())


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value)
