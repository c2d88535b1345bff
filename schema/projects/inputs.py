"""Input of ``publishProjects``: one row of a publisher's project list."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from api.catalog.models import ServiceClass
from api.projects.models import Procurement, ProjectType
from api.projects.publishing import ProjectDraft
from schema.relay import pk_or_none


@strawberry.input(description="待发布的项目（清单中的一行）。A project to publish.")
class ProjectInput:
    code: str = strawberry.field(description="项目编号，本届内唯一。Code, unique in the fair.")
    title: str = strawberry.field(description="项目名称。Title.")
    description: str = strawberry.field(description="项目简介：回应的社区需求。Description.")
    service_class: ServiceClass = strawberry.field(
        description="服务类别，须与目录服务项目的类别一致。Service class."
    )
    project_type: ProjectType = strawberry.field(description="项目类型。Project type.")
    procurement: Procurement = strawberry.field(description="采购方式。Procurement.")
    budget: Decimal = strawberry.field(description="预算（元），大于 0。Budget in CNY.")
    min_social_workers: int | None = strawberry.field(
        default=None,
        description="承接机构至少需要的持证专职社工人数（默认 0）；预算 10 万元及以上的项目"
        "至少为 2。Full-time social workers required; at least 2 from CNY 100,000.",
    )
    service_period_months: int = strawberry.field(
        description="服务周期（月），1–36。Service period in months."
    )
    beneficiaries: str = strawberry.field(description="服务对象及人数。Who benefits.")
    key_support: bool | None = strawberry.field(
        default=None, description="是否年度重点扶持类项目（默认否）。Key-support list."
    )
    publisher: strawberry.ID = strawberry.field(description="发布单位。The publisher.")
    district: strawberry.ID = strawberry.field(description="实施地所在区。District of delivery.")
    community: str | None = strawberry.field(
        default=None, description="实施社区。Community of delivery."
    )
    catalog_item: str = strawberry.field(
        description="政府购买服务目录中的服务项目编码（不得在负面清单上）。Catalogue item code."
    )
    community_opinion: str | None = strawberry.field(
        default=None,
        description="实施地社区/街道的意见；发布前必须具备，不填则不能发布。"
        " The opinion of the community or street of delivery, required to publish.",
    )
    city_funding: Decimal | None = strawberry.field(
        default=None, description="市级资金（元）；与区级资金合计等于预算。City funding."
    )
    district_funding: Decimal | None = strawberry.field(
        default=None, description="区级配套资金（元）。District funding."
    )
    beneficiary_count: int | None = strawberry.field(
        default=None, description="受益人数。Number of beneficiaries."
    )
    qualifications: str | None = strawberry.field(
        default=None, description="对承接机构的资质要求。Required qualifications."
    )

    def to_draft(self) -> ProjectDraft:
        return ProjectDraft(
            code=self.code,
            title=self.title,
            description=self.description,
            service_class=self.service_class,
            project_type=self.project_type,
            procurement=self.procurement,
            budget=self.budget,
            min_social_workers=self.min_social_workers,
            service_period_months=self.service_period_months,
            beneficiaries=self.beneficiaries,
            key_support=bool(self.key_support),
            publisher_id=pk_or_none(self.publisher, "Publisher"),
            district_id=pk_or_none(self.district, "District"),
            community=self.community,
            catalog_item=self.catalog_item,
            community_opinion=self.community_opinion,
            city_funding=self.city_funding,
            district_funding=self.district_funding,
            beneficiary_count=self.beneficiary_count,
            qualifications=self.qualifications or "",
        )
