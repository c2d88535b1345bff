"""A competitive project's standings: each bid's score over its reviewers, and the ranks.

The arithmetic is pure (``bid_score``, ``ranks``); ``refresh_standings`` reads a
project's bids and writes their score and rank, inside the caller's transaction and
after the caller has locked the project row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from tortoise.functions import Count

from api.bidding.models import Bid, BidStatus, ReviewScore
from api.organizations.models import CreditEntry, CreditKind

# With this many reviewers or more, the single highest and lowest totals are dropped.
TRIM_FROM = 5
SCORE_PLACES = Decimal("0.0001")


def bid_score(totals: Sequence[float]) -> float | None:
    """The mean of the reviewers' totals (trimmed from five reviewers); None if unscored."""
    if not totals:
        return None
    kept = sorted(totals)
    if len(kept) >= TRIM_FROM:
        kept = kept[1:-1]
    mean = sum((Decimal(str(t)) for t in kept), Decimal(0)) / len(kept)
    return float(mean.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Standing:
    """What decides a bid's place: its score, its organization's credit, its timing."""

    bid_id: int
    score: float | None
    evaluations_failed: int
    evaluations_passed: int
    submitted_at: datetime


def ranks(standings: Sequence[Standing]) -> dict[int, int]:
    """``{bid id: rank}`` of the scored bids, 1 for the best.

    Higher score first; on equal scores the organization with fewer failed evaluations,
    then the one with more passed evaluations, then the earlier bid. Unscored bids have
    no rank: nobody has judged them yet.
    """
    scored = [s for s in standings if s.score is not None]
    scored.sort(
        key=lambda s: (
            -(s.score or 0.0),
            s.evaluations_failed,
            -s.evaluations_passed,
            s.submitted_at,
            s.bid_id,
        )
    )
    return {s.bid_id: place for place, s in enumerate(scored, start=1)}


async def refresh_standings(project_id: int) -> list[Bid]:
    """Recompute score and rank of every SUBMITTED bid of the project; returns the bids.

    Call it inside a transaction holding the project's row lock, so two scorings of
    the same project never interleave their reads and writes.
    """
    bids = await Bid.filter(project_id=project_id, status=BidStatus.SUBMITTED).order_by("id")
    if not bids:
        return []
    totals = await _totals([b.id for b in bids])
    credit = await _credit({b.organization_id for b in bids})
    standings = [
        Standing(
            bid_id=b.id,
            score=bid_score(totals.get(b.id, [])),
            evaluations_failed=credit[b.organization_id][CreditKind.EVALUATION_FAILED],
            evaluations_passed=credit[b.organization_id][CreditKind.EVALUATION_PASSED],
            submitted_at=b.submitted_at,
        )
        for b in bids
    ]
    placed = ranks(standings)
    for bid, standing in zip(bids, standings, strict=True):
        rank = placed.get(bid.id)
        if (bid.score, bid.rank) != (standing.score, rank):
            await Bid.filter(id=bid.id).update(score=standing.score, rank=rank)
            bid.score, bid.rank = standing.score, rank
    return bids


async def _totals(bid_ids: list[int]) -> dict[int, list[float]]:
    rows = await ReviewScore.filter(bid_id__in=bid_ids).values_list("bid_id", "total")
    out: dict[int, list[float]] = defaultdict(list)
    for bid_id, total in rows:
        out[bid_id].append(total)
    return out


async def _credit(organization_ids: set[int]) -> dict[int, dict[str, int]]:
    """Passed and failed evaluations per organization (zero when it has none)."""
    rows = (
        await CreditEntry.filter(
            organization_id__in=list(organization_ids),
            kind__in=(CreditKind.EVALUATION_FAILED, CreditKind.EVALUATION_PASSED),
        )
        .annotate(n=Count("id"))
        .group_by("organization_id", "kind")
        .values_list("organization_id", "kind", "n")
    )
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for organization_id, kind, n in rows:
        out[organization_id][kind] = n
    return out
