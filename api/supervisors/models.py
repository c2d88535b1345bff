"""The supervisor and expert pool (督导专家库): people who review bids and follow projects."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from api.catalog.models import ServiceClass


class Supervisor(Model):
    """A scholar, practising social worker or residents' committee director in the pool."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=32)
    title = fields.CharField(max_length=64, null=True)
    affiliation = fields.CharField(max_length=128)
    # The pool organization this person works for, if any: a conflict of interest.
    affiliated_organization: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Organization",
        related_name="affiliated_experts",
        null=True,
        on_delete=fields.SET_NULL,
    )
    contact_phone = fields.CharField(max_length=32, default="")
    max_load = fields.IntField(default=5)
    # Projects currently supervised; kept in step with assignments by conditional updates.
    load = fields.IntField(default=0, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    districts: fields.ManyToManyRelation = fields.ManyToManyField(
        "models.District", related_name="supervisors", through="supervisor_district"
    )

    affiliated_organization_id: int | None

    class Meta:
        table = "supervisor"


class SupervisorExpertise(Model):
    """A service class a supervisor is expert in."""

    id = fields.IntField(primary_key=True)
    supervisor: fields.ForeignKeyRelation[Supervisor] = fields.ForeignKeyField(
        "models.Supervisor", related_name="expertise_links", on_delete=fields.CASCADE
    )
    service_class = fields.CharEnumField(ServiceClass, max_length=16)

    supervisor_id: int

    class Meta:
        table = "supervisor_expertise"
        unique_together = (("supervisor", "service_class"),)
        indexes = (("service_class", "supervisor_id"),)


class Assignment(Model):
    """The one supervisor who follows an awarded project to its end."""

    id = fields.IntField(primary_key=True)
    project: fields.OneToOneRelation = fields.OneToOneField(
        "models.Project", related_name="assignment", on_delete=fields.CASCADE
    )
    supervisor: fields.ForeignKeyRelation[Supervisor] = fields.ForeignKeyField(
        "models.Supervisor", related_name="assignments", on_delete=fields.RESTRICT
    )
    assigned_at = fields.DatetimeField()
    fit = fields.FloatField(default=0.0)
    reasons = fields.JSONField[list[str]](default=list)

    project_id: int
    supervisor_id: int

    class Meta:
        table = "assignment"
