"""Dataloaders of the residents' surveys."""

from __future__ import annotations

from api.surveys.aggregate import satisfaction_of
from schema.loading import MappedLoader


class SatisfactionByProjectLoader(MappedLoader[int]):
    """The latest survey window's figures of each project (None: never surveyed)."""

    async def fetch(self, keys: list[int]) -> dict:
        return await satisfaction_of(keys)
