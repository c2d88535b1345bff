"""The project catalogue (项目库): the demand side of the fair."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from api.catalog.models import ServiceClass
from api.money import MoneyField


class ProjectType(StrEnum):
    PUBLIC_WELFARE = "PUBLIC_WELFARE"  # 社区公益服务
    PUBLIC_SERVICE = "PUBLIC_SERVICE"  # 社区公共服务
    SELF_GOVERNANCE = "SELF_GOVERNANCE"  # 社区自治服务


class Procurement(StrEnum):
    DIRECT = "DIRECT"  # 直接认领
    COMPETITIVE = "COMPETITIVE"  # 竞争性评审


class ProjectStatus(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    CLAIMED = "CLAIMED"
    BIDDING = "BIDDING"
    AWARDED = "AWARDED"
    IN_DELIVERY = "IN_DELIVERY"
    CLOSED = "CLOSED"
    WITHDRAWN = "WITHDRAWN"
    TERMINATED = "TERMINATED"


# Statuses in which organizations may still claim or bid.
OPEN_STATUSES = (ProjectStatus.PUBLISHED, ProjectStatus.BIDDING)
# Statuses of a project that has been awarded to an organization.
AWARDED_STATUSES = (
    ProjectStatus.AWARDED,
    ProjectStatus.IN_DELIVERY,
    ProjectStatus.CLOSED,
    ProjectStatus.TERMINATED,
)


class Project(Model):
    """A funded community service project put on the table at a fair."""

    id = fields.IntField(primary_key=True)
    fair: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Fair", related_name="projects", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=32)
    title = fields.CharField(max_length=128)
    description = fields.TextField()
    service_class = fields.CharEnumField(ServiceClass, max_length=16)
    catalog_item: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.CatalogItem", related_name="projects", on_delete=fields.RESTRICT
    )
    project_type = fields.CharEnumField(ProjectType, max_length=16)
    procurement = fields.CharEnumField(Procurement, max_length=12)
    status = fields.CharEnumField(ProjectStatus, max_length=12, default=ProjectStatus.DRAFT)
    budget = MoneyField()
    # Funding split (city / district); venture-philanthropy projects are matched 1:1.
    city_funding = MoneyField(null=True)
    district_funding = MoneyField(null=True)
    min_social_workers = fields.IntField(default=0)
    key_support = fields.BooleanField(default=False)
    service_period_months = fields.IntField(default=12)
    beneficiaries = fields.TextField()
    beneficiary_count = fields.IntField(null=True)
    qualifications = fields.TextField(default="")
    # The opinion of the community / street where it is delivered, required to publish.
    community_opinion = fields.TextField(default="")
    publisher: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Publisher", related_name="projects", on_delete=fields.RESTRICT
    )
    district: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.District", related_name="projects", on_delete=fields.RESTRICT
    )
    community = fields.CharField(max_length=64, null=True)
    published_at = fields.DatetimeField(null=True)
    # Set once, when the publisher or an organizer takes the project off the table.
    withdrawn_at = fields.DatetimeField(null=True)
    withdrawal_reason = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    fair_id: int
    catalog_item_id: int
    publisher_id: int
    district_id: int

    class Meta:
        table = "project"
        unique_together = (("fair_id", "code"),)
        indexes = (
            ("fair_id", "status"),
            ("fair_id", "service_class"),
            ("fair_id", "district_id"),
            ("fair_id", "procurement"),
            ("fair_id", "budget"),
            ("fair_id", "key_support"),
            ("status", "service_class"),
            ("publisher_id",),
        )
