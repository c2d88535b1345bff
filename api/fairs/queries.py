"""Finding fair editions."""

from __future__ import annotations

from datetime import UTC, datetime

from api.fairs.models import Fair


async def current_fair(now: datetime | None = None) -> Fair | None:
    """The fair open now; else the next to open; else the latest held."""
    now = now or datetime.now(UTC)
    open_now = await Fair.filter(opens_at__lte=now, closes_at__gt=now).order_by("-opens_at").first()
    if open_now:
        return open_now
    upcoming = await Fair.filter(opens_at__gt=now).order_by("opens_at").first()
    return upcoming or await Fair.all().order_by("-closes_at").first()


def is_open(fair: Fair, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    return fair.opens_at <= now < fair.closes_at
