"""Input of ``registerOrganization``: an organization of the resource pool."""

from __future__ import annotations

import strawberry

from api.catalog.models import ServiceClass
from api.organizations.models import RegistrationKind
from api.organizations.services import OrganizationSpec
from schema.relay import pk_or_none

strawberry.enum(
    RegistrationKind,
    name="RegistrationKind",
    description="登记方式：REGISTERED 登记、FILED 备案。How the organization is on record.",
)


@strawberry.input(description="登记到资源库的社会组织。A social organization to register.")
class OrganizationInput:
    name: str = strawberry.field(description="名称。Name.")
    credit_code: str = strawberry.field(
        description="统一社会信用代码（18 位，社会组织以 5 开头）。Unified social credit code."
    )
    service_classes: list[ServiceClass] = strawberry.field(
        description="服务领域，至少一个。Service classes, at least one."
    )
    districts: list[strawberry.ID] = strawberry.field(description="服务区域。Districts served.")
    social_workers: int = strawberry.field(
        description="持证专职社工人数，不小于 0。Full-time certified social workers."
    )
    grade: str | None = strawberry.field(
        default=None, description="评估等级 3A/4A/5A，未评估不填。Assessment grade."
    )
    registration_kind: RegistrationKind | None = strawberry.field(
        default=None, description="登记或备案（默认登记）。Registered (default) or filed."
    )
    contact_name: str | None = strawberry.field(
        default=None, description="联系人（不公开）。Contact person, private."
    )
    contact_phone: str | None = strawberry.field(
        default=None, description="联系电话（不公开）。Contact phone, private."
    )
    introduction: str | None = strawberry.field(default=None, description="机构简介。About.")

    def to_spec(self) -> OrganizationSpec:
        return OrganizationSpec(
            name=self.name,
            credit_code=self.credit_code,
            service_classes=list(self.service_classes),
            district_ids=[pk_or_none(d, "District") for d in self.districts],
            social_workers=self.social_workers,
            grade=self.grade,
            registration_kind=self.registration_kind or RegistrationKind.REGISTERED,
            contact_name=self.contact_name or "",
            contact_phone=self.contact_phone or "",
            introduction=self.introduction or "",
        )
