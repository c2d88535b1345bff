"""Everything the OCDS export of one fair needs, read in a fixed number of bulk queries.

A city fair has some 2,000 projects: the export reads each table once for the whole fair
(joined where a row has exactly one partner), never once per project. Drafts are left out
here, at the source, as the public never sees them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVar

from tortoise.functions import Count

from api.bidding.models import Award, Bid, BidStatus
from api.contracts.models import Contract, Evaluation, Payment
from api.fairs.models import Fair
from api.organizations.models import CreditEntry
from api.projects.models import Project
from api.projects.queries import PUBLIC_STATUSES
from api.supervisors.models import Assignment


@dataclass
class FairFacts:
    """The public projects of a fair and everything hanging off them, by project id.

    ``projects`` carry their publisher (with nothing else), district and catalogue item;
    ``awards`` their winning bid and organization; ``assignments`` their supervisor.
    """

    fair: Fair
    projects: list[Project]
    bid_counts: dict[int, int]
    awards: dict[int, Award]
    contracts: dict[int, Contract]
    payments: dict[int, list[Payment]] = field(default_factory=dict)
    evaluations: dict[int, list[Evaluation]] = field(default_factory=dict)
    assignments: dict[int, Assignment] = field(default_factory=dict)
    credit_entries: dict[int, list[CreditEntry]] = field(default_factory=dict)


async def fair_facts(fair: Fair) -> FairFacts:
    """Read the fair's public projects and their awards, contracts, payments,
    evaluations, supervisors and credit entries: eight queries whatever the fair's size."""
    projects = (
        await Project.filter(fair_id=fair.id, status__in=PUBLIC_STATUSES)
        .select_related("publisher", "district", "catalog_item")
        .order_by("id")
    )
    in_fair = {"project__fair_id": fair.id}
    awards = await Award.filter(**in_fair).select_related("bid", "organization")
    contracts = await Contract.filter(**in_fair)
    payments = await Payment.filter(**in_fair).order_by("project_id", "tranche")
    evaluations = await Evaluation.filter(**in_fair).order_by("project_id", "at", "id")
    assignments = await Assignment.filter(**in_fair).select_related("supervisor")
    credit = await CreditEntry.filter(**in_fair).order_by("at", "id")
    return FairFacts(
        fair=fair,
        projects=projects,
        bid_counts=await _fair_bid_counts(fair),
        awards={a.project_id: a for a in awards},
        contracts={c.project_id: c for c in contracts},
        payments=_grouped(payments),
        evaluations=_grouped(evaluations),
        assignments={a.project_id: a for a in assignments},
        credit_entries=_grouped(credit),
    )


async def _fair_bid_counts(fair: Fair) -> dict[int, int]:
    """Active (not withdrawn) claims and bids per project: the public ``bidCount``."""
    rows = (
        await Bid.filter(project__fair_id=fair.id)
        .exclude(status=BidStatus.WITHDRAWN)
        .annotate(n=Count("id"))
        .group_by("project_id")
        .values_list("project_id", "n")
    )
    return {int(project_id): int(n) for project_id, n in rows}


Row = TypeVar("Row", Payment, Evaluation, CreditEntry)


def _grouped(rows: list[Row]) -> dict[int, list[Row]]:
    by_project: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        if row.project_id is not None:
            by_project[row.project_id].append(row)
    return dict(by_project)
