"""Per-request loaders of the audit domain."""

from __future__ import annotations

from typing import Any

from api.audit.subjects import subject_names
from schema.loading import MappedLoader


class SubjectNameByKeyLoader(MappedLoader[str]):
    """What a subject of the trail is called, by its key ("Project:12"); None once gone."""

    async def fetch(self, keys: list[str]) -> dict[str, Any]:
        return dict(await subject_names(keys))
