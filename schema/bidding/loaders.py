"""Dataloaders of bids."""

from __future__ import annotations

from typing import Any

from api.bidding.models import Bid, ReviewScore
from schema.loading import MappedLoader, RowByIdLoader


class BidByIdLoader(RowByIdLoader[Bid]):
    model = Bid


class ReviewScoreByBidAndReviewerLoader(MappedLoader[tuple[int, int]]):
    """One reviewer's own sheet for a bid, by ``(bid id, reviewer id)``; None if unscored."""

    async def fetch(self, keys: list[tuple[int, int]]) -> dict[tuple[int, int], Any]:
        reviewers = {reviewer for _, reviewer in keys}
        bids = {bid for bid, _ in keys}
        rows = await ReviewScore.filter(reviewer_id__in=reviewers, bid_id__in=bids)
        return {(row.bid_id, row.reviewer_id): row for row in rows}
