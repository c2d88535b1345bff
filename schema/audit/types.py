"""GraphQL types of the audit trail."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.audit.models import AuditEntry as AuditEntryRow
from schema.connections import Connection
from schema.relay import to_global_id


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


AuditEntryConnection = Connection[AuditEntry]
