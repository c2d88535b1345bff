"""Dataloaders of places."""

from __future__ import annotations

from api.places.directory import districts
from api.places.models import District, Publisher
from schema.loading import RowByIdLoader


class DistrictByIdLoader(RowByIdLoader[District]):
    """Districts from the worker's directory (api/places/directory.py), not a statement."""

    model = District

    async def _load(self, keys: list[int]) -> list[District | None]:
        rows = await districts(keys)
        return [rows.get(k) for k in keys]


class PublisherByIdLoader(RowByIdLoader[Publisher]):
    model = Publisher
