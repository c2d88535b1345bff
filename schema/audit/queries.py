"""Reading the audit trail (organizers only)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.audit.queries import AuditFilter, audit_queryset
from schema.audit.types import AuditEntry, AuditEntryConnection
from schema.connections import connection, fetch_page
from schema.context import Info
from schema.errors import QueryError
from schema.relay import pk_of


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="审计日志，仅组织方可读；可按操作、操作人和项目筛选，newestFirst 为真时"
        "最新的在前。The audit log, organizers only; filtered by action, actor and project."
    )
    async def audit_log(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        action: Annotated[
            str | None, strawberry.argument(description="只看这种操作，例如 claimProject。")
        ] = None,
        actor: Annotated[
            str | None, strawberry.argument(description="只看此用户名的操作。")
        ] = None,
        project: Annotated[
            strawberry.ID | None, strawberry.argument(description="只看涉及此项目的记录。")
        ] = None,
        newest_first: Annotated[
            bool, strawberry.argument(description="最新的在前（默认最早的在前）。Newest first.")
        ] = False,
    ) -> AuditEntryConnection:
        if info.context.account is None:
            raise QueryError("请先登录。Log in first.", "UNAUTHENTICATED")
        if not info.context.is_organizer():
            raise QueryError("只有组织方可以查看审计日志。", "FORBIDDEN")
        subject = f"Project:{pk_of(project, 'Project')}" if project else None
        wanted = AuditFilter(action=action or None, actor=actor or None, subject=subject)
        rows = audit_queryset(wanted)
        page = await fetch_page(rows, first, after, descending=newest_first)
        return connection(page, AuditEntry.from_row)
