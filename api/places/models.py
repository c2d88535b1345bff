"""Where services are delivered and who publishes them: districts and publishers."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class PublisherKind(StrEnum):
    """The kind of body that owns a project and its budget."""

    COMMUNITY = "COMMUNITY"  # 社区居委会
    STREET = "STREET"  # 街道办事处
    DISTRICT_DEPARTMENT = "DISTRICT_DEPARTMENT"  # 区级部门
    CITY_DEPARTMENT = "CITY_DEPARTMENT"  # 市级部门


class District(Model):
    """An administrative district of the city (区)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=12, unique=True)
    name = fields.CharField(max_length=32, unique=True)
    sort = fields.IntField(default=0)

    class Meta:
        table = "district"
        ordering = ["sort", "id"]


class Publisher(Model):
    """A community, street office or department that publishes projects."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64)
    kind = fields.CharEnumField(PublisherKind, max_length=24)
    district: fields.ForeignKeyRelation[District] = fields.ForeignKeyField(
        "models.District", related_name="publishers", on_delete=fields.RESTRICT
    )
    # A community belongs to its street office; streets and departments have no parent.
    parent: fields.ForeignKeyNullableRelation[Publisher] = fields.ForeignKeyField(
        "models.Publisher", related_name="children", null=True, on_delete=fields.RESTRICT
    )

    district_id: int
    parent_id: int | None

    class Meta:
        table = "publisher"
        unique_together = (("district", "name"),)
        indexes = (("district_id", "kind"),)
