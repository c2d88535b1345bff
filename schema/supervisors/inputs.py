"""Input of ``addSupervisor``: a person of the supervisor and expert pool."""

from __future__ import annotations

import strawberry

from api.catalog.models import ServiceClass
from api.supervisors.services import SupervisorSpec
from schema.relay import pk_or_none


@strawberry.input(description="加入督导专家库的人员。A person to add to the expert pool.")
class SupervisorInput:
    name: str = strawberry.field(description="姓名。Name.")
    title: str | None = strawberry.field(default=None, description="职称/职务。Title.")
    affiliation: str = strawberry.field(
        description="工作单位（高校、机构或居委会）。Affiliation, used for conflicts of interest."
    )
    expertise: list[ServiceClass] = strawberry.field(
        description="专长领域，至少一个。Fields of expertise, at least one."
    )
    districts: list[strawberry.ID] = strawberry.field(description="服务区域。Districts served.")
    max_load: int = strawberry.field(
        description="最多同时督导的项目数，1–50。Maximum projects at once, 1..50."
    )
    affiliated_organization: strawberry.ID | None = strawberry.field(
        default=None,
        description="本人任职的资源库社会组织（评审、督导时回避）。"
        " The pool organization this person works for (conflict of interest).",
    )
    contact_phone: str | None = strawberry.field(
        default=None, description="联系电话（不公开）。Contact phone, private."
    )

    def to_spec(self) -> SupervisorSpec:
        named = self.affiliated_organization is not None
        return SupervisorSpec(
            name=self.name,
            title=self.title,
            affiliation=self.affiliation,
            expertise=list(self.expertise),
            district_ids=[pk_or_none(d, "District") for d in self.districts],
            max_load=self.max_load,
            contact_phone=self.contact_phone or "",
            affiliated_organization_id=(
                pk_or_none(self.affiliated_organization, "Organization")
                if self.affiliated_organization is not None
                else None
            ),
            names_organization=named,
        )
