"""GraphQL types of the audit trail."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.audit.models import AuditEntry as AuditEntryRow
from schema.relay import PageInfo, to_global_id


@strawberry.type(description="审计记录：谁在何时做了什么。Who did what, when.")
class AuditEntry:
    at: datetime = strawberry.field(description="时间。When.")
    actor: str = strawberry.field(description="操作人（用户名）。Who.")
    action: str = strawberry.field(description="操作，例如 claimProject。What.")
    subject_ids: list[strawberry.ID] = strawberry.field(description="涉及对象的全局 id。")

    @classmethod
    def from_row(cls, row: AuditEntryRow) -> AuditEntry:
        ids = [_global_id(name) for name in row.subject_ids]
        return cls(at=row.at, actor=row.actor, action=row.action, subject_ids=ids)


def _global_id(name: str) -> strawberry.ID:
    type_name, _, pk = name.partition(":")
    return to_global_id(type_name, int(pk)) if pk.isdigit() else strawberry.ID(name)


@strawberry.type(description="审计记录列表中的一条。An edge of the audit log.")
class AuditEntryEdge:
    cursor: str = strawberry.field(description="本条的游标。")
    node: AuditEntry = strawberry.field(description="审计记录。")


@strawberry.type(description="一页审计记录。A page of the audit log.")
class AuditEntryConnection:
    edges: list[AuditEntryEdge] = strawberry.field(description="本页的记录。")
    page_info: PageInfo = strawberry.field(description="分页信息。")
    count: strawberry.Private[object]

    @strawberry.field(description="记录总数。Entries in the log.")
    async def total_count(self) -> int:
        return await self.count()  # type: ignore[operator]
