"""Contracts, their three payment tranches, and the evaluations that gate them."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from api.money import MoneyField


class EvaluationStage(StrEnum):
    MIDTERM = "MIDTERM"
    FINAL = "FINAL"


class PaymentStatus(StrEnum):
    PENDING = "PENDING"  # waits for its evaluation
    DUE = "DUE"
    PAID = "PAID"
    CANCELLED = "CANCELLED"


class Contract(Model):
    """The service contract signed with the awarded organization (usually one year)."""

    id = fields.IntField(primary_key=True)
    project: fields.OneToOneRelation = fields.OneToOneField(
        "models.Project", related_name="contract", on_delete=fields.RESTRICT
    )
    organization: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Organization", related_name="contracts", on_delete=fields.RESTRICT
    )
    amount = MoneyField()
    signed_at = fields.DatetimeField()
    starts_on = fields.DateField(null=True)
    ends_on = fields.DateField(null=True)

    project_id: int
    organization_id: int

    class Meta:
        table = "contract"


class Payment(Model):
    """One tranche of a contract: 50% on signing, 30–40% after mid-term, the rest at the end."""

    id = fields.IntField(primary_key=True)
    contract: fields.ForeignKeyRelation[Contract] = fields.ForeignKeyField(
        "models.Contract", related_name="payments", on_delete=fields.CASCADE
    )
    project: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Project", related_name="payments", on_delete=fields.RESTRICT
    )
    tranche = fields.SmallIntField()
    share = fields.DecimalField(max_digits=5, decimal_places=4)
    amount = MoneyField()
    status = fields.CharEnumField(PaymentStatus, max_length=10, default=PaymentStatus.PENDING)
    due_on = fields.DateField(null=True)
    paid_at = fields.DatetimeField(null=True)
    reference = fields.CharField(max_length=64, null=True)

    contract_id: int
    project_id: int

    class Meta:
        table = "payment"
        unique_together = (("project", "tranche"),)
        ordering = ["tranche"]


class Evaluation(Model):
    """A mid-term or final evaluation by a third party."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Project", related_name="evaluations", on_delete=fields.RESTRICT
    )
    stage = fields.CharEnumField(EvaluationStage, max_length=8)
    scores = fields.JSONField[dict[str, float]]()
    score = fields.FloatField()
    passed = fields.BooleanField()
    at = fields.DatetimeField()

    project_id: int

    class Meta:
        table = "evaluation"
        unique_together = (("project", "stage"),)
        ordering = ["at", "id"]
