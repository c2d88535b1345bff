"""GraphQL types of the project catalogue."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.places.models import District as DistrictRow
from api.projects.models import Procurement, ProjectStatus, ProjectType
from api.projects.models import Project as ProjectRow

# Imported here, not lazily: a generic page type cannot be resolved through a lazy alias.
from schema.bidding.types import BidConnection
from schema.catalog.loaders import CatalogItemByIdLoader
from schema.catalog.types import CatalogItem, ServiceClass
from schema.connections import Connection
from schema.context import Info
from schema.fairs.loaders import FairByIdLoader
from schema.loading import now_or_later, then
from schema.places.loaders import DistrictByIdLoader, PublisherByIdLoader
from schema.places.types import District, Publisher, district_by_id
from schema.projects.loaders import (
    AssignmentByProjectLoader,
    AwardByProjectLoader,
    BidCountByProjectLoader,
    EvaluationsByProjectLoader,
    OrganizationMatchesByProjectLoader,
    PaymentsByProjectLoader,
    project_need,
)
from schema.relay import Node, to_global_id

if TYPE_CHECKING:
    from schema.bidding.types import Award
    from schema.contracts.types import Evaluation, Payment
    from schema.fairs.types import Fair
    from schema.organizations.types import OrganizationMatch
    from schema.supervisors.assignment import SupervisorAssignment
    from schema.supervisors.reassignment import SupervisorCandidate
    from schema.supervisors.types import Supervisor
    from schema.surveys.types import Satisfaction

FairRef = Annotated["Fair", strawberry.lazy("schema.fairs.types")]
AwardRef = Annotated["Award", strawberry.lazy("schema.bidding.types")]
EvaluationRef = Annotated["Evaluation", strawberry.lazy("schema.contracts.types")]
PaymentRef = Annotated["Payment", strawberry.lazy("schema.contracts.types")]
SupervisorRef = Annotated["Supervisor", strawberry.lazy("schema.supervisors.types")]
SupervisorAssignmentRef = Annotated[
    "SupervisorAssignment", strawberry.lazy("schema.supervisors.assignment")
]
SupervisorCandidateRef = Annotated[
    "SupervisorCandidate", strawberry.lazy("schema.supervisors.reassignment")
]
SatisfactionRef = Annotated["Satisfaction", strawberry.lazy("schema.surveys.types")]
OrganizationMatchRef = Annotated["OrganizationMatch", strawberry.lazy("schema.organizations.types")]

strawberry.enum(
    ProjectType,
    name="ProjectType",
    description="项目类型：社区公益服务、社区公共服务、社区自治服务。Project types.",
)
strawberry.enum(Procurement, name="Procurement", description="采购方式：直接认领或竞争性评审。")
strawberry.enum(
    ProjectStatus,
    name="ProjectStatus",
    description="项目状态：草稿、已发布、已认领、竞标中、已立项、实施中、已结项、已撤回、已终止。",
)


@strawberry.input(description="项目筛选条件。Filters over the project catalogue.")
class ProjectFilter:
    fair: strawberry.ID | None = strawberry.field(default=None, description="届次的 id。")
    service_class: list[ServiceClass] | None = strawberry.field(
        default=None, description="服务类别（任一）。Any of these classes."
    )
    district: list[strawberry.ID] | None = strawberry.field(
        default=None, description="实施地所在区（任一）。Any of these districts."
    )
    status: list[ProjectStatus] | None = strawberry.field(
        default=None, description="状态（任一）。Any of these statuses."
    )
    procurement: Procurement | None = strawberry.field(default=None, description="采购方式。")
    min_budget: Decimal | None = strawberry.field(default=None, description="预算下限（含）。")
    max_budget: Decimal | None = strawberry.field(default=None, description="预算上限（含）。")
    key_support: bool | None = strawberry.field(
        default=None, description="是否年度重点扶持类项目。Key-support list."
    )
    search: str | None = strawberry.field(
        default=None,
        description="按人们的说法搜索：标题、简介、目录服务项目名称、服务类别名称及同义词"
        "（如“养老”也找为老服务、助老、老年人）；以空格分隔的多个词须都符合；结果按相关度排序。"
        " Search what people mean: title, description, catalogue item and class names, and"
        " reviewed synonyms; every space-separated word must match; ranked by relevance.",
    )


@strawberry.type(description="社区服务项目（需求方）。A community service project.")
class Project(Node):
    code: str = strawberry.field(description="项目编号。Project code.")
    title: str = strawberry.field(description="项目名称。Title.")
    description: str = strawberry.field(description="项目简介。Description.")
    service_class: ServiceClass = strawberry.field(description="服务类别。")
    project_type: ProjectType = strawberry.field(description="项目类型。")
    procurement: Procurement = strawberry.field(description="采购方式。")
    status: ProjectStatus = strawberry.field(description="状态。")
    budget: Decimal = strawberry.field(description="预算（元）。Budget in CNY.")
    city_funding: Decimal | None = strawberry.field(description="市级资金。City funding.")
    district_funding: Decimal | None = strawberry.field(description="区级配套资金。")
    min_social_workers: int = strawberry.field(
        description="承接机构至少需要的持证专职社工人数。Full-time social workers required."
    )
    key_support: bool = strawberry.field(description="年度重点扶持类项目。Key-support list.")
    service_period_months: int = strawberry.field(description="服务周期（月）。")
    beneficiaries: str = strawberry.field(description="服务对象及人数。Who benefits.")
    beneficiary_count: int | None = strawberry.field(description="受益人数。")
    qualifications: str = strawberry.field(description="资质要求。Required qualifications.")
    community_opinion: str = strawberry.field(description="实施地社区/街道意见。")
    community: str | None = strawberry.field(description="实施社区。Community of delivery.")
    published_at: datetime | None = strawberry.field(description="发布时间。")
    withdrawn_at: datetime | None = strawberry.field(
        description="撤回时间（公开）。When the project was withdrawn."
    )
    withdrawal_reason: str | None = strawberry.field(
        description="撤回理由（公开，过程公开公平公正）。Why it was withdrawn, public."
    )
    row: strawberry.Private[ProjectRow]

    @strawberry.field(description="所属届次。The fair edition.")
    async def fair(self, info: Info) -> FairRef:
        from schema.fairs.types import Fair

        row = await info.context.loader(FairByIdLoader).load(self.row.fair_id)
        assert row is not None
        return Fair.from_row(row)

    # The fields below are plain functions: on a page they were preloaded and answer
    # at once; elsewhere they return an awaitable that the dataloader batches.
    @strawberry.field(description="发布单位。The publisher.")
    def publisher(self, info: Info) -> Publisher:
        row = now_or_later(info.context.loader(PublisherByIdLoader), self.row.publisher_id)
        return then(row, Publisher.from_row)

    @strawberry.field(description="实施地所在区。District of delivery.")
    def district(self, info: Info) -> District:
        return district_by_id(info, self.row.district_id)

    @strawberry.field(description="对应的政府购买服务目录项。The catalogue item.")
    async def catalog_item(self, info: Info) -> CatalogItem:
        row = await info.context.loader(CatalogItemByIdLoader).load(self.row.catalog_item_id)
        assert row is not None
        return CatalogItem.from_row(row)

    @strawberry.field(description="有效的认领/投标数。Active claims and bids.")
    def bid_count(self, info: Info) -> int:
        return now_or_later(info.context.loader(BidCountByProjectLoader), self.row.id)

    @strawberry.field(
        description="投标：组织方、本项目发布单位和评审可见；社会组织只看到自己的。"
        " Bids visible to the viewer."
    )
    async def bids(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> BidConnection:
        from schema.bidding.types import bid_connection

        return await bid_connection(info, self.row, first, after)

    @strawberry.field(description="立项（中标）结果。The award, once made.")
    async def award(self, info: Info) -> AwardRef | None:
        from schema.bidding.types import Award

        row = await info.context.loader(AwardByProjectLoader).load(self.row.id)
        return Award.from_row(row) if row else None

    @strawberry.field(description="督导。The supervisor following the project.")
    async def supervisor(self, info: Info) -> SupervisorRef | None:
        from schema.supervisors.types import supervisor_by_id

        assignment = await info.context.loader(AssignmentByProjectLoader).load(self.row.id)
        return await supervisor_by_id(info, assignment.supervisor_id) if assignment else None

    @strawberry.field(
        description="督导指派的匹配度与理由，仅主办方可见，其他人为 null。"
        " How the supervisor was chosen (organizers only)."
    )
    async def supervisor_assignment(self, info: Info) -> SupervisorAssignmentRef | None:
        from schema.supervisors.assignment import SupervisorAssignment

        if not info.context.is_organizer():
            return None
        assignment = await info.context.loader(AssignmentByProjectLoader).load(self.row.id)
        return SupervisorAssignment.from_row(assignment) if assignment else None

    @strawberry.field(
        description="可接替本项目督导的人选，按自动指派的标准排序（匹配度优先，其次负荷），"
        "已排除满负荷和须回避的人；仅主办方可见，其他人为 null。"
        " The engine's alternatives for the supervisor, best first (organizers only)."
    )
    async def supervisor_candidates(
        self, info: Info, first: int = 5
    ) -> list[SupervisorCandidateRef] | None:
        from api.supervisors.reassignment import supervisor_options
        from schema.supervisors.reassignment import SupervisorCandidate, check_candidate_count

        if not info.context.is_organizer():
            return None
        options = await supervisor_options(self.row.id, check_candidate_count(first))
        return [SupervisorCandidate.from_option(o) for o in options]

    @strawberry.field(description="中期与末期评估。Evaluations.")
    async def evaluations(self, info: Info) -> list[EvaluationRef]:
        from schema.contracts.types import Evaluation

        rows = await info.context.loader(EvaluationsByProjectLoader).load(self.row.id)
        return [Evaluation.from_row(r) for r in rows]

    @strawberry.field(
        description="居民满意度（最近一次调查窗口）；从未调查为 null，答卷不足门槛时只有答卷数。"
        " Residents' satisfaction from the latest survey window; null when never surveyed."
    )
    async def satisfaction(self, info: Info) -> SatisfactionRef | None:
        from schema.surveys.loaders import SatisfactionByProjectLoader
        from schema.surveys.types import Satisfaction, manages

        figures = await info.context.loader(SatisfactionByProjectLoader).load(self.row.id)
        if figures is None:
            return None
        return Satisfaction.from_figures(figures, self.row, reveal=manages(info, self.row))

    @strawberry.field(description="三笔拨付。The payment tranches.")
    async def payments(self, info: Info) -> list[PaymentRef]:
        from schema.contracts.types import Payment

        rows = await info.context.loader(PaymentsByProjectLoader).load(self.row.id)
        return [Payment.from_row(r) for r in rows]

    @strawberry.field(
        description="最适合承接本项目的社会组织（附理由）。Best-fitting eligible organizations."
    )
    def matching_organizations(self, info: Info, first: int = 5) -> list[OrganizationMatchRef]:
        from schema.organizations.types import OrganizationMatch, check_match_count

        k = check_match_count(first)
        loader = info.context.loader(OrganizationMatchesByProjectLoader)
        district = now_or_later(info.context.loader(DistrictByIdLoader), self.row.district_id)

        def matches(district: DistrictRow | None) -> object:
            found = now_or_later(loader, (project_need(self.row, district), k))
            return then(found, lambda ms: [OrganizationMatch.from_match(m) for m in ms])

        return then(district, matches)

    @classmethod
    def from_row(cls, row: ProjectRow) -> Project:
        return cls(
            id=to_global_id("Project", row.id),
            code=row.code,
            title=row.title,
            description=row.description,
            service_class=row.service_class,
            project_type=row.project_type,
            procurement=row.procurement,
            status=row.status,
            budget=row.budget,
            city_funding=row.city_funding,
            district_funding=row.district_funding,
            min_social_workers=row.min_social_workers,
            key_support=row.key_support,
            service_period_months=row.service_period_months,
            beneficiaries=row.beneficiaries,
            beneficiary_count=row.beneficiary_count,
            qualifications=row.qualifications,
            community_opinion=row.community_opinion,
            community=row.community,
            published_at=row.published_at,
            withdrawn_at=row.withdrawn_at,
            withdrawal_reason=row.withdrawal_reason,
            row=row,
        )


ProjectConnection = Connection[Project]
