"""The matching index: organizations laid out by service class and district.

Derived from the organization pool (refreshed by ``api.matching.index``) so that the
best-fitting organizations of many projects come from one statement of short index
scans instead of scoring the whole pool for every project.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from api.catalog.models import ServiceClass


class MatchSlot(Model):
    """One organization under one service class, in one district it serves.

    ``district`` is NULL on the row that stands for "any district", so projects in
    districts an organization does not serve can still find it.
    """

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Organization", related_name="match_slots", on_delete=fields.CASCADE
    )
    service_class = fields.CharEnumField(ServiceClass, max_length=16)
    district: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.District", related_name="match_slots", null=True, on_delete=fields.CASCADE
    )
    # A snapshot of the facts the score and its reasons are made of.
    social_workers = fields.IntField()
    grade = fields.CharField(max_length=4, null=True)
    evaluations_passed = fields.IntField(default=0)
    evaluations_failed = fields.IntField(default=0)
    active_projects = fields.IntField(default=0)
    quality = fields.FloatField()
    restricted_until = fields.DatetimeField(null=True)

    organization_id: int
    district_id: int | None

    class Meta:
        table = "match_slot"
        indexes = (
            ("service_class", "district_id", "quality", "organization_id"),
            ("organization_id",),
        )
