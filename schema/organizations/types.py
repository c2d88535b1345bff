"""GraphQL types of the organization pool."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.auth.models import Role
from api.bidding.queries import organization_bids
from api.matching import search as org_matching
from api.organizations.models import CreditEntry as CreditEntryRow
from api.organizations.models import Organization as OrganizationRow
from schema.bidding.types import Bid, BidConnection
from schema.catalog.types import ServiceClass
from schema.connections import Connection, visible_connection
from schema.context import Info
from schema.errors import QueryError
from schema.loading import now_or_later, then
from schema.organizations.loaders import (
    CreditEntriesByOrganizationLoader,
    DistrictIdsByOrganizationLoader,
    OrganizationByIdLoader,
    ProjectIdsByOrganizationLoader,
    ProjectMatchesByOrganizationLoader,
    ServiceClassesByOrganizationLoader,
)
from schema.places.types import District, districts_by_ids
from schema.relay import Node, to_global_id

if TYPE_CHECKING:
    from schema.organizations.history import OrganizationHistory
    from schema.projects.types import Project

ProjectRef = Annotated["Project", strawberry.lazy("schema.projects.types")]
OrganizationHistoryRef = Annotated[
    "OrganizationHistory", strawberry.lazy("schema.organizations.history")
]

MAX_MATCHES = 20


def check_match_count(first: int) -> int:
    if not 1 <= first <= MAX_MATCHES:
        raise QueryError(f"推荐数量 first 必须在 1 到 {MAX_MATCHES} 之间，收到 {first}")
    return first


async def projects_by_ids(info: Info, ids: list[int]) -> list[Project]:
    from schema.projects.loaders import ProjectByIdLoader
    from schema.projects.types import Project

    rows = await info.context.loader(ProjectByIdLoader).load_many(ids)
    return [Project.from_row(r) for r in rows if r is not None]


@strawberry.input(description="社会组织筛选条件。Filters over the organization pool.")
class OrganizationFilter:
    service_class: list[ServiceClass] | None = strawberry.field(
        default=None, description="服务领域（任一）。Any of these classes."
    )
    district: list[strawberry.ID] | None = strawberry.field(
        default=None, description="服务区域（任一）。Serves any of these districts."
    )
    search: str | None = strawberry.field(default=None, description="名称或简介中的中文子串。")
    min_social_workers: int | None = strawberry.field(
        default=None, description="持证专职社工至少几名。At least this many social workers."
    )


@strawberry.type(description="信用记录中的一条。One line of the credit record.")
class CreditEntry:
    at: datetime = strawberry.field(description="时间。When.")
    kind: str = strawberry.field(
        description="EVALUATION_PASSED 评估通过 / EVALUATION_FAILED 评估未通过 / "
        "TERMINATED 项目终止 / COMMENDED 表彰。"
    )
    note: str = strawberry.field(description="说明。Note.")
    row: strawberry.Private[CreditEntryRow]

    @strawberry.field(description="相关项目。The project concerned.")
    async def project(self, info: Info) -> ProjectRef | None:
        if self.row.project_id is None:
            return None
        found = await projects_by_ids(info, [self.row.project_id])
        return found[0] if found else None

    @classmethod
    def from_row(cls, row: CreditEntryRow) -> CreditEntry:
        return cls(at=row.at, kind=row.kind.value, note=row.note, row=row)


@strawberry.type(description="社会组织（供给方）。A social organization.")
class Organization(Node):
    name: str = strawberry.field(description="名称。Name.")
    credit_code: str = strawberry.field(description="统一社会信用代码。Unified social credit code.")
    registration_kind: str = strawberry.field(description="REGISTERED 登记 / FILED 备案。")
    social_workers: int = strawberry.field(description="持证专职社工人数。")
    grade: str | None = strawberry.field(description="评估等级 3A/4A/5A。Assessment grade.")
    introduction: str = strawberry.field(description="机构简介。About.")
    restricted_until: datetime | None = strawberry.field(
        description="评估未通过后的限制期限，期间不得认领。Restricted from claims until."
    )
    row: strawberry.Private[OrganizationRow]

    @strawberry.field(description="服务领域。Service classes.")
    def service_classes(self, info: Info) -> list[ServiceClass]:
        return now_or_later(info.context.loader(ServiceClassesByOrganizationLoader), self.row.id)

    @strawberry.field(description="服务区域。Districts served.")
    def districts(self, info: Info) -> list[District]:
        ids = now_or_later(info.context.loader(DistrictIdsByOrganizationLoader), self.row.id)
        return then(ids, lambda ids: districts_by_ids(info, ids))

    @strawberry.field(description="联系人（仅组织方和本机构可见）。Contact person, private.")
    def contact_name(self, info: Info) -> str | None:
        return self.row.contact_name if _may_see_contacts(info, self.row) else None

    @strawberry.field(description="联系电话（仅组织方和本机构可见）。Contact phone, private.")
    def contact_phone(self, info: Info) -> str | None:
        return self.row.contact_phone if _may_see_contacts(info, self.row) else None

    @strawberry.field(description="信用记录。Credit record.")
    async def credit_record(self, info: Info) -> list[CreditEntry]:
        rows = await info.context.loader(CreditEntriesByOrganizationLoader).load(self.row.id)
        return [CreditEntry.from_row(r) for r in rows]

    @strawberry.field(
        description="本机构的认领与投标，新的在后（仅本机构和组织方可见）。Its claims and bids."
    )
    async def bids(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> BidConnection:
        query = organization_bids(info.context.account, self.row.id)
        return await visible_connection(query, first, after, Bid.from_row)

    @strawberry.field(description="承接（中标）的项目。Projects awarded to it.")
    async def projects(self, info: Info) -> list[ProjectRef]:
        ids = await info.context.loader(ProjectIdsByOrganizationLoader).load(self.row.id)
        return await projects_by_ids(info, ids)

    @strawberry.field(
        description="历年履约记录（主办方、发布单位和本机构可见，其他人为 null）。"
        " Its record across fairs: organizers, publishers and itself."
    )
    async def history(self, info: Info) -> OrganizationHistoryRef | None:
        from api.organizations.history import may_see_history
        from schema.organizations.history import OrganizationHistory
        from schema.organizations.loaders import HistoryByOrganizationLoader

        if not may_see_history(info.context.account, self.row.id):
            return None
        found = await info.context.loader(HistoryByOrganizationLoader).load(self.row.id)
        return OrganizationHistory.from_history(found)

    @strawberry.field(description="适合本机构的开放项目（附理由）。Open projects that fit it.")
    async def matching_projects(self, info: Info, first: int = 5) -> list[ProjectMatch]:
        k = check_match_count(first)
        loader = info.context.loader(ProjectMatchesByOrganizationLoader)
        matches = await loader.load((self.row.id, k))
        projects = await projects_by_ids(info, [m.project_id for m in matches])
        return [
            ProjectMatch(project=p, score=m.score, reasons=m.reasons)
            for p, m in zip(projects, matches, strict=True)
        ]

    @classmethod
    def from_row(cls, row: OrganizationRow) -> Organization:
        return cls(
            id=to_global_id("Organization", row.id),
            name=row.name,
            credit_code=row.credit_code,
            registration_kind=row.registration_kind.value,
            social_workers=row.social_workers,
            grade=row.grade,
            introduction=row.introduction,
            restricted_until=row.restricted_until,
            row=row,
        )


def _may_see_contacts(info: Info, row: OrganizationRow) -> bool:
    account = info.context.account
    if account is None:
        return False
    return account.role is Role.ORGANIZER or account.organization_id == row.id


@strawberry.type(description="推荐的社会组织及理由。A recommended organization.")
class OrganizationMatch:
    score: float = strawberry.field(description="匹配度 0..1。Fit, 0..1.")
    reasons: list[str] = strawberry.field(description="推荐理由（中文）。Why, in Chinese.")
    organization_id: strawberry.Private[int]

    @strawberry.field(description="社会组织。The organization.")
    def organization(self, info: Info) -> Organization:
        row = now_or_later(info.context.loader(OrganizationByIdLoader), self.organization_id)
        return then(row, Organization.from_row)

    @classmethod
    def from_match(cls, m: org_matching.OrganizationMatch) -> OrganizationMatch:
        return cls(score=m.score, reasons=m.reasons, organization_id=m.organization_id)


@strawberry.type(description="推荐的项目及理由。A recommended project.")
class ProjectMatch:
    project: ProjectRef = strawberry.field(description="项目。The project.")
    score: float = strawberry.field(description="匹配度 0..1。Fit, 0..1.")
    reasons: list[str] = strawberry.field(description="推荐理由（中文）。Why, in Chinese.")


OrganizationConnection = Connection[Organization]
