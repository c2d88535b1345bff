"""Dataloaders of bids."""

from __future__ import annotations

from api.bidding.models import Bid
from schema.loading import RowByIdLoader


class BidByIdLoader(RowByIdLoader[Bid]):
    model = Bid
