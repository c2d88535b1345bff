"""Claims, bids, reviewers' scores and awards."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from api.money import MoneyField


class BidStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    WITHDRAWN = "WITHDRAWN"
    AWARDED = "AWARDED"
    LOST = "LOST"


class Bid(Model):
    """An organization's claim on a DIRECT project or bid for a COMPETITIVE one."""

    id = fields.IntField(primary_key=True)
    project: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Project", related_name="bids", on_delete=fields.RESTRICT
    )
    organization: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Organization", related_name="bids", on_delete=fields.RESTRICT
    )
    amount = MoneyField()
    management_fee = MoneyField()
    social_workers = fields.IntField()
    plan = fields.TextField()
    submitted_at = fields.DatetimeField()
    status = fields.CharEnumField(BidStatus, max_length=12, default=BidStatus.SUBMITTED)
    # 1 while the bid is active, NULL once withdrawn: the unique key below then allows
    # a new bid after a withdrawal but never two active bids (NULLs never collide).
    active = fields.SmallIntField(null=True, default=1)
    # Why the bid was released when its project was withdrawn (NULL otherwise): the
    # bidding organization sees it beside its WITHDRAWN bid.
    release_notice = fields.TextField(null=True)
    score = fields.FloatField(null=True)
    rank = fields.IntField(null=True)

    project_id: int
    organization_id: int

    class Meta:
        table = "bid"
        unique_together = (("project", "organization", "active"),)
        indexes = (("project_id", "status"), ("organization_id", "status"))


class ReviewScore(Model):
    """One reviewer's scores for one bid, criterion by criterion."""

    id = fields.IntField(primary_key=True)
    bid: fields.ForeignKeyRelation[Bid] = fields.ForeignKeyField(
        "models.Bid", related_name="review_scores", on_delete=fields.CASCADE
    )
    reviewer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Supervisor", related_name="review_scores", on_delete=fields.RESTRICT
    )
    scores = fields.JSONField[dict[str, float]]()
    total = fields.FloatField()
    at = fields.DatetimeField()

    bid_id: int
    reviewer_id: int

    class Meta:
        table = "review_score"
        unique_together = (("bid", "reviewer"),)


class Award(Model):
    """The decision that gives a project to one bid."""

    id = fields.IntField(primary_key=True)
    project: fields.OneToOneRelation = fields.OneToOneField(
        "models.Project", related_name="award", on_delete=fields.RESTRICT
    )
    bid: fields.OneToOneRelation[Bid] = fields.OneToOneField(
        "models.Bid", related_name="award", on_delete=fields.RESTRICT
    )
    organization: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Organization", related_name="awards", on_delete=fields.RESTRICT
    )
    amount = MoneyField()
    awarded_at = fields.DatetimeField()

    project_id: int
    bid_id: int
    organization_id: int

    class Meta:
        table = "award"
        indexes = (("organization_id",),)
