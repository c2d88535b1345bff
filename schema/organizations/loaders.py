"""Dataloaders of the organization pool."""

from __future__ import annotations

from collections import defaultdict

from api.matching.projects import projects_for
from api.organizations.history import organization_histories
from api.organizations.models import CreditEntry, Organization
from api.organizations.queries import awarded_project_ids, service_classes_by_organization
from schema.loading import MappedLoader, RowByIdLoader, group_by


class OrganizationByIdLoader(RowByIdLoader[Organization]):
    model = Organization


class ServiceClassesByOrganizationLoader(MappedLoader[int]):
    default: list = []

    async def fetch(self, keys: list[int]) -> dict:
        return await service_classes_by_organization(keys)


class DistrictIdsByOrganizationLoader(MappedLoader[int]):
    default: list = []

    async def fetch(self, keys: list[int]) -> dict:
        rows = await Organization.filter(id__in=keys, districts__id__isnull=False).values_list(
            "id", "districts__id"
        )
        out: dict[int, list[int]] = defaultdict(list)
        for org_id, district_id in sorted(rows):
            out[org_id].append(district_id)
        return out


class CreditEntriesByOrganizationLoader(MappedLoader[int]):
    default: list = []

    async def fetch(self, keys: list[int]) -> dict:
        rows = await CreditEntry.filter(organization_id__in=keys).order_by("at", "id")
        return group_by(rows, lambda e: e.organization_id)


class ProjectIdsByOrganizationLoader(MappedLoader[int]):
    """Projects awarded to each organization."""

    default: list = []

    async def fetch(self, keys: list[int]) -> dict:
        return await awarded_project_ids(keys)


class ProjectMatchesByOrganizationLoader(MappedLoader[tuple[int, int]]):
    """Keyed by (organization id, how many)."""

    default: list = []

    async def fetch(self, keys: list[tuple[int, int]]) -> dict:
        by_k: dict[int, list[int]] = defaultdict(list)
        for org_id, k in keys:
            by_k[k].append(org_id)
        found = {}
        for k, org_ids in by_k.items():
            matches = await projects_for(org_ids, k)
            found.update({(org_id, k): matches[org_id] for org_id in org_ids})
        return found


class HistoryByOrganizationLoader(MappedLoader[int]):
    """Each organization's record across fairs (four statements per batch)."""

    async def fetch(self, keys: list[int]) -> dict:
        return await organization_histories(keys)
