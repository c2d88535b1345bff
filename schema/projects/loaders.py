"""Dataloaders of projects and of what hangs off them."""

from __future__ import annotations

from collections import defaultdict

from api.bidding.queries import awards_by_project
from api.contracts.models import Evaluation, Payment
from api.matching.search import OrganizationMatch, ProjectNeed, organizations_for
from api.places.models import District
from api.projects.models import Project
from api.projects.queries import bid_counts
from api.supervisors.models import Assignment
from schema.loading import MappedLoader, RowByIdLoader, group_by


class ProjectByIdLoader(RowByIdLoader[Project]):
    model = Project


class BidCountByProjectLoader(MappedLoader[int]):
    default = 0

    async def fetch(self, keys: list[int]) -> dict[int, int]:
        return await bid_counts(keys)


class AwardByProjectLoader(MappedLoader[int]):
    async def fetch(self, keys: list[int]) -> dict:
        return await awards_by_project(keys)


class AssignmentByProjectLoader(MappedLoader[int]):
    async def fetch(self, keys: list[int]) -> dict:
        rows = await Assignment.filter(project_id__in=keys)
        return {a.project_id: a for a in rows}


class EvaluationsByProjectLoader(MappedLoader[int]):
    default: list = []

    async def fetch(self, keys: list[int]) -> dict:
        return group_by(await Evaluation.filter(project_id__in=keys), lambda e: e.project_id)


class PaymentsByProjectLoader(MappedLoader[int]):
    default: list = []

    async def fetch(self, keys: list[int]) -> dict:
        rows = await Payment.filter(project_id__in=keys).order_by("project_id", "tranche")
        return group_by(rows, lambda p: p.project_id)


class OrganizationMatchesByProjectLoader(MappedLoader[tuple[ProjectNeed, int]]):
    """Keyed by (what the project needs, how many): one statement per distinct count."""

    default: list = []

    async def fetch(self, keys: list[tuple[ProjectNeed, int]]) -> dict:
        by_k: dict[int, list[ProjectNeed]] = defaultdict(list)
        for need, k in keys:
            by_k[k].append(need)
        found: dict[tuple[ProjectNeed, int], list[OrganizationMatch]] = {}
        for k, needs in by_k.items():
            matches = await organizations_for(needs, k)
            found.update({(n, k): matches[n.project_id] for n in needs})
        return found


def project_need(project: Project, district: District | None) -> ProjectNeed:
    """What ``project`` asks of an organization, as the matching engine reads it."""
    return ProjectNeed(
        project_id=project.id,
        service_class=project.service_class,
        district_id=project.district_id,
        district_name=district.name if district else "",
        min_social_workers=project.min_social_workers,
    )
