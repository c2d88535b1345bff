"""The bids section of the OCDS bids extension (统计与中标投标), and what of it is public.

The publication rule of the export is that it shows what an anonymous visitor sees
through the API. The public sees how many claims and bids a project holds (``bidCount``:
every one not withdrawn) and, once the project is awarded, the winning bid through
``Award.bid``; it never sees a losing or pending bid. So the section holds:

- ``statistics``: the ``bids`` measure, the public bid count, for every project;
- ``details``: the winning bid alone (status ``valid``), once the project is awarded,
  with its tenderer, value and date; the award points at it with ``relatedBid``.

Statistics that would reveal losing bids (``lowestValidBidValue``,
``highestValidBidValue``) are left out on purpose.
"""

from __future__ import annotations

from typing import Any

from api.bidding.models import Award, Bid
from api.projects.models import Project

from .facts import FairFacts
from .values import moment, value

# The extension as the OCDS extension registry names it (tests/ocds_schema/bid_extension).
BID_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_bid_extension/v1.1.5/extension.json"
)


def bid_id(bid: Bid) -> str:
    return f"bid-{bid.id}"


def bids_section(
    project: Project, facts: FairFacts, award: Award | None, supplier: dict[str, str] | None
) -> dict[str, Any]:
    """The public statistics of the project's bids and, once awarded, the winning bid."""
    section: dict[str, Any] = {
        "statistics": [
            {
                "id": f"bids-{project.code}",
                "measure": "bids",
                "value": facts.bid_counts.get(project.id, 0),
                "notes": "有效（未撤回）的认领与投标数。Claims and bids not withdrawn.",
            }
        ]
    }
    if award is not None and supplier is not None:
        winning: Bid = award.bid
        section["details"] = [
            {
                "id": bid_id(winning),
                "date": moment(winning.submitted_at),
                "status": "valid",
                "tenderers": [supplier],
                "value": value(winning.amount),
            }
        ]
    return section
