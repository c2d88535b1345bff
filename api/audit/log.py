"""Writing the audit trail, inside the transaction of the action it records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.models import Model

from api.audit.models import AuditEntry
from api.auth.models import Account


def subject(row: Model) -> str:
    """How an object is named in the trail: ``"Project:12"``."""
    return f"{type(row).__name__}:{row.pk}"


async def record(
    actor: Account | None,
    action: str,
    subjects: list[Model],
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one entry; call it inside the action's own transaction."""
    return await AuditEntry.create(
        at=datetime.now(UTC),
        actor=actor.username if actor else "system",
        account_id=actor.id if actor else None,
        action=action,
        subject_ids=[subject(s) for s in subjects],
        detail=detail or {},
    )
