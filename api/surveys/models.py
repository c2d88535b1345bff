"""A survey window of a project and the residents' answers to it.

A window keeps its own copy of the questions: the fair's settings may change later,
answers must keep meaning what was asked. Answers carry no account and no phone number:
only keyed hashes of the device token and of the phone number (api/surveys/identity.py),
unique per window, so the database itself refuses a second answer from either.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class CommentStatus(StrEnum):
    PENDING = "PENDING"  # written, not yet read by the organizer or publisher
    APPROVED = "APPROVED"  # public
    REJECTED = "REJECTED"  # never shown


class SatisfactionSurvey(Model):
    """One window during which residents may rate a project in delivery."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Project", related_name="surveys", on_delete=fields.RESTRICT
    )
    # The short public code of the link ``/s/{code}`` printed as a QR code.
    code = fields.CharField(max_length=16, unique=True)
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    questions = fields.JSONField[list[dict[str, Any]]](default=list)
    # Answers needed before any figure of the window is shown.
    min_answers = fields.SmallIntField()
    opened_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Account", related_name="surveys_opened", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    project_id: int
    opened_by_id: int | None

    class Meta:
        table = "satisfaction_survey"
        ordering = ["opens_at", "id"]
        indexes = (("project_id", "closes_at"),)


class SurveyAnswer(Model):
    """One resident's answer: the overall mark, a mark per question, maybe a comment."""

    id = fields.IntField(primary_key=True)
    survey: fields.ForeignKeyRelation[SatisfactionSurvey] = fields.ForeignKeyField(
        "models.SatisfactionSurvey", related_name="answers", on_delete=fields.CASCADE
    )
    device_hash = fields.CharField(max_length=64)
    # NULL when no phone number was given: NULLs never collide in a unique index.
    phone_hash = fields.CharField(max_length=64, null=True)
    overall = fields.SmallIntField()
    marks = fields.JSONField[dict[str, int]](default=dict)
    comment = fields.TextField(null=True)
    comment_status = fields.CharEnumField(CommentStatus, max_length=8, null=True)
    moderated_at = fields.DatetimeField(null=True)
    submitted_at = fields.DatetimeField()

    survey_id: int

    class Meta:
        table = "survey_answer"
        ordering = ["submitted_at", "id"]
        unique_together = (("survey", "device_hash"), ("survey", "phone_hash"))
