"""Dataloaders of the supervisor pool."""

from __future__ import annotations

from collections import defaultdict

from api.supervisors.models import Supervisor
from api.supervisors.queries import expertise_by_supervisor, project_ids_by_supervisor
from schema.loading import MappedLoader, RowByIdLoader


class SupervisorByIdLoader(RowByIdLoader[Supervisor]):
    model = Supervisor


class ExpertiseBySupervisorLoader(MappedLoader[int]):
    default: list = []

    async def fetch(self, keys: list[int]) -> dict:
        return await expertise_by_supervisor(keys)


class DistrictIdsBySupervisorLoader(MappedLoader[int]):
    default: list = []

    async def fetch(self, keys: list[int]) -> dict:
        rows = await Supervisor.filter(id__in=keys, districts__id__isnull=False).values_list(
            "id", "districts__id"
        )
        out: dict[int, list[int]] = defaultdict(list)
        for supervisor_id, district_id in sorted(rows):
            out[supervisor_id].append(district_id)
        return out


class ProjectIdsBySupervisorLoader(MappedLoader[int]):
    default: list = []

    async def fetch(self, keys: list[int]) -> dict:
        return await project_ids_by_supervisor(keys)
