"""Reading the audit trail (organizers only)."""

from __future__ import annotations

import strawberry

from api.audit.models import AuditEntry as AuditEntryRow
from schema.audit.types import AuditEntry, AuditEntryConnection
from schema.connections import connection, fetch_page
from schema.context import Info
from schema.errors import QueryError


@strawberry.type
class AuditQuery:
    @strawberry.field(description="审计日志，仅组织方可读。The audit log, organizers only.")
    async def audit_log(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> AuditEntryConnection:
        if info.context.account is None:
            raise QueryError("请先登录。Log in first.", "UNAUTHENTICATED")
        if not info.context.is_organizer():
            raise QueryError("只有组织方可以查看审计日志。", "FORBIDDEN")
        page = await fetch_page(AuditEntryRow.all(), first, after)
        return connection(page, AuditEntry.from_row)
