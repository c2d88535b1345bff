"""The audit trail: who did what, when, to which objects."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    """One successful action, written in the same transaction as the action itself."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(db_index=True)
    actor = fields.CharField(max_length=64)
    account: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Account", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    action = fields.CharField(max_length=48, db_index=True)
    subject_ids = fields.JSONField[list[str]](default=list)
    detail = fields.JSONField[dict[str, Any]](default=dict)

    class Meta:
        table = "audit_entry"
        ordering = ["id"]
