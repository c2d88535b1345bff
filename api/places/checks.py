"""Checks on the places named in a request."""

from __future__ import annotations

from api.errors import ErrorCode, Problem
from api.places.models import District


async def missing_districts(district_ids: list[int | None]) -> list[Problem]:
    """Every district named must exist; each missing one is reported at its position
    in ``input.districts`` (an id that could not be read arrives as None)."""
    wanted = {i for i in district_ids if i is not None}
    found: set[int | None] = set()
    if wanted:
        found.update(pk for (pk,) in await District.filter(id__in=wanted).values_list("id"))
    return [
        Problem(
            ErrorCode.NOT_FOUND,
            "所选行政区不存在。No such district.",
            ["input", "districts", str(i)],
        )
        for i, district_id in enumerate(district_ids)
        if district_id not in found
    ]
