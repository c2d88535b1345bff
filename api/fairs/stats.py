"""The fair's figures: projects and money by service class, district and status, in one
statement; the money paid and the bids received each in one more, when asked for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tortoise.functions import Count, Sum

from api.bidding.models import Bid, BidStatus
from api.catalog.models import ServiceClass
from api.contracts.models import Payment, PaymentStatus
from api.money import from_fen
from api.projects.models import AWARDED_STATUSES, Project, ProjectStatus
from api.projects.queries import PUBLIC_STATUSES


@dataclass
class Tally:
    count: int = 0
    budget: Decimal = Decimal("0.00")

    def add(self, count: int, budget: Decimal) -> None:
        self.count += count
        self.budget += budget


@dataclass
class Share:
    """One group's published projects, and those of them awarded with the money committed."""

    published: Tally = field(default_factory=Tally)
    awarded: Tally = field(default_factory=Tally)


@dataclass
class FairFigures:
    """Published projects and their budgets; awarded projects and the money committed."""

    projects: Tally = field(default_factory=Tally)
    awarded: Tally = field(default_factory=Tally)
    by_class: dict[ServiceClass, Share] = field(default_factory=lambda: defaultdict(Share))
    by_district: dict[int, Share] = field(default_factory=lambda: defaultdict(Share))
    by_status: dict[ProjectStatus, int] = field(default_factory=lambda: defaultdict(int))


class FenSum(Sum):
    """SUM of a money column as raw fen.

    Left to itself Tortoise would pass the sum through the field's converter, which
    reads an integer as fen on SQLite but leaves PostgreSQL's numeric untouched; raw
    fen, converted once here, is the same on both.
    """

    populate_field_object = False


async def fair_figures(fair_id: int) -> FairFigures:
    rows = (
        await Project.filter(fair_id=fair_id, status__in=PUBLIC_STATUSES)
        .annotate(n=Count("id"), budget_fen=FenSum("budget"), awarded_fen=FenSum("award__amount"))
        .group_by("service_class", "district_id", "status")
        .values_list("service_class", "district_id", "status", "n", "budget_fen", "awarded_fen")
    )
    figures = FairFigures()
    for cls, district_id, status, n, budget_fen, awarded_fen in rows:
        budget = from_fen(int(budget_fen or 0))
        groups = (figures.by_class[ServiceClass(cls)], figures.by_district[district_id])
        figures.projects.add(n, budget)
        figures.by_status[ProjectStatus(status)] += n
        for group in groups:
            group.published.add(n, budget)
        if status in AWARDED_STATUSES:
            committed = from_fen(int(awarded_fen or 0))
            figures.awarded.add(n, committed)
            for group in groups:
                group.awarded.add(n, committed)
    return figures


async def money_paid(fair_id: int) -> Decimal:
    """The tranches paid so far on the fair's projects."""
    paid = Payment.filter(project__fair_id=fair_id, status=PaymentStatus.PAID)
    rows: list[Any] = await paid.annotate(fen=FenSum("amount")).values_list("fen", flat=True)
    return from_fen(int(rows[0] or 0)) if rows else Decimal("0.00")


async def bids_received(fair_id: int) -> int:
    """Claims and bids on the fair's projects, withdrawn ones left out."""
    return await Bid.filter(project__fair_id=fair_id).exclude(status=BidStatus.WITHDRAWN).count()
