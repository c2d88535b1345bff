"""GraphQL types of the audit trail."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.audit.models import AuditEntry as AuditEntryRow
from api.audit.subjects import SubjectName
from schema.audit.loaders import SubjectNameByKeyLoader
from schema.connections import Connection
from schema.context import Info
from schema.relay import to_global_id


@strawberry.type(description="审计记录涉及的对象及其名称。An object an entry is about, by name.")
class AuditSubject:
    id: strawberry.ID = strawberry.field(description="对象的全局 id。Its global id.")
    kind: str = strawberry.field(description="对象类型，例如 Project、Bid、Assignment。")
    label: str | None = strawberry.field(
        description="人读的名称：项目标题、组织或专家姓名；属于某项目的记录（投标、立项、"
        "拨付、督导指派等）为该项目的标题；对象已不存在时为空。What a person reads."
    )
    detail: str | None = strawberry.field(
        description="把一方与项目联系起来的记录中的那一方：投标/立项的社会组织、指派的督导。"
    )
    project_id: strawberry.ID | None = strawberry.field(
        description="对象所属项目的全局 id，可用于链接。The project it belongs to."
    )


@strawberry.type(description="审计记录：谁在何时做了什么。Who did what, when.")
class AuditEntry:
    at: datetime = strawberry.field(description="时间。When.")
    actor: str = strawberry.field(description="操作人（用户名）。Who.")
    action: str = strawberry.field(description="操作，例如 claimProject。What.")
    subject_ids: list[strawberry.ID] = strawberry.field(description="涉及对象的全局 id。")
    keys: strawberry.Private[list[str]]

    @strawberry.field(description="涉及的对象及其名称，与 subjectIds 同序。The subjects, named.")
    async def subjects(self, info: Info) -> list[AuditSubject]:
        names = await info.context.loader(SubjectNameByKeyLoader).load_many(self.keys)
        return [_subject(key, name) for key, name in zip(self.keys, names, strict=True)]

    @classmethod
    def from_row(cls, row: AuditEntryRow) -> AuditEntry:
        ids = [_global_id(name) for name in row.subject_ids]
        return cls(
            at=row.at, actor=row.actor, action=row.action, subject_ids=ids, keys=row.subject_ids
        )


def _global_id(name: str) -> strawberry.ID:
    type_name, _, pk = name.partition(":")
    return to_global_id(type_name, int(pk)) if pk.isdigit() else strawberry.ID(name)


def _subject(key: str, name: SubjectName | None) -> AuditSubject:
    kind = key.partition(":")[0]
    project = to_global_id("Project", name.project_id) if name and name.project_id else None
    return AuditSubject(
        id=_global_id(key),
        kind=kind,
        label=name.label if name else None,
        detail=name.detail if name else None,
        project_id=project,
    )


AuditEntryConnection = Connection[AuditEntry]
