"""The organization resource pool (社会组织服务资源库): the supply side of the fair."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from api.catalog.models import ServiceClass


class RegistrationKind(StrEnum):
    REGISTERED = "REGISTERED"  # 登记
    FILED = "FILED"  # 备案


class CreditKind(StrEnum):
    """What a credit entry records."""

    EVALUATION_PASSED = "EVALUATION_PASSED"
    EVALUATION_FAILED = "EVALUATION_FAILED"
    TERMINATED = "TERMINATED"
    COMMENDED = "COMMENDED"


class Organization(Model):
    """A social organization that claims and delivers projects."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=128)
    credit_code = fields.CharField(max_length=18, unique=True)
    registration_kind = fields.CharEnumField(
        RegistrationKind, max_length=12, default=RegistrationKind.REGISTERED
    )
    social_workers = fields.IntField(default=0, db_index=True)
    grade = fields.CharField(max_length=4, null=True)
    contact_name = fields.CharField(max_length=32, default="")
    contact_phone = fields.CharField(max_length=32, default="")
    introduction = fields.TextField(default="")
    # Set after a failed evaluation: no new claims until then.
    restricted_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    districts: fields.ManyToManyRelation = fields.ManyToManyField(
        "models.District", related_name="organizations", through="organization_district"
    )

    class Meta:
        table = "organization"


class OrganizationServiceClass(Model):
    """A service class an organization works in."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="service_class_links", on_delete=fields.CASCADE
    )
    service_class = fields.CharEnumField(ServiceClass, max_length=16)

    organization_id: int

    class Meta:
        table = "organization_service_class"
        unique_together = (("organization", "service_class"),)
        indexes = (("service_class", "organization_id"),)


class CreditEntry(Model):
    """One line of an organization's credit record (信用记录)."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="credit_entries", on_delete=fields.CASCADE
    )
    at = fields.DatetimeField()
    kind = fields.CharEnumField(CreditKind, max_length=20)
    project: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Project", related_name="credit_entries", null=True, on_delete=fields.SET_NULL
    )
    note = fields.TextField(default="")

    organization_id: int
    project_id: int | None

    class Meta:
        table = "credit_entry"
        ordering = ["at", "id"]
        indexes = (("organization_id", "at"),)
