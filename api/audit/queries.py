"""Reading the audit trail: filters by action, person and subject, either order."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from api.audit.models import AuditEntry
from api.db import fitting


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor: str | None = None
    subject: str | None = None  # "Project:12", as api.audit.log.subject names it


def audit_queryset(wanted: AuditFilter) -> QuerySet[AuditEntry]:
    rows = AuditEntry.all()
    # A name longer than its column names no entry; looked up as it is, Tortoise would
    # refuse it as a value to store (api.db.fitting).
    if wanted.action:
        rows = rows.filter(action__in=fitting(AuditEntry, "action", [wanted.action]))
    if wanted.actor:
        rows = rows.filter(actor__in=fitting(AuditEntry, "actor", [wanted.actor]))
    if wanted.subject:
        # subject_ids is JSON text on SQLite and jsonb on PostgreSQL; both print a list of
        # strings as ["Project:12", "Bid:3"], so the quoted name matches exactly one item
        # ("Project:1" cannot match "Project:12") on either database.
        rows = rows.annotate(subjects=RawSQL("CAST(subject_ids AS TEXT)")).filter(
            subjects__contains=f'"{wanted.subject}"'
        )
    return rows
