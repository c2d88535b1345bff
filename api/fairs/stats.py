"""The fair's figures: projects and money by service class and district, in one statement."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from tortoise.functions import Count, Sum

from api.catalog.models import ServiceClass
from api.money import from_fen
from api.projects.models import AWARDED_STATUSES, Project
from api.projects.queries import PUBLIC_STATUSES


@dataclass
class Tally:
    count: int = 0
    budget: Decimal = Decimal("0.00")

    def add(self, count: int, budget: Decimal) -> None:
        self.count += count
        self.budget += budget


@dataclass
class FairFigures:
    """Published projects and their budgets; awarded projects and the money committed."""

    projects: Tally = field(default_factory=Tally)
    awarded: Tally = field(default_factory=Tally)
    by_class: dict[ServiceClass, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_district: dict[int, Tally] = field(default_factory=lambda: defaultdict(Tally))


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
        figures.projects.add(n, budget)
        figures.by_class[ServiceClass(cls)].add(n, budget)
        figures.by_district[district_id].add(n, budget)
        if status in AWARDED_STATUSES:
            figures.awarded.add(n, from_fen(int(awarded_fen or 0)))
    return figures
