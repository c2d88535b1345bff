"""GraphQL types of fair editions and their figures."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.fairs.models import Fair as FairRow
from api.fairs.queries import is_open
from api.fairs.stats import FairFigures, bids_received, fair_figures, money_paid
from api.projects.models import ProjectStatus
from schema.catalog.types import ServiceClass
from schema.context import Info
from schema.loading import then
from schema.places.types import District, districts_by_ids
from schema.projects.types import ProjectConnection, ProjectFilter
from schema.relay import Node, to_global_id

if TYPE_CHECKING:
    from schema.surveys.types import SurveyQuestion

SurveyQuestionRef = Annotated["SurveyQuestion", strawberry.lazy("schema.surveys.types")]


@strawberry.type(description="评审标准或评估组成项及其权重。A weighted criterion.")
class Criterion:
    key: str = strawberry.field(description="稳定的键，评分时引用。Stable key.")
    name: str = strawberry.field(description="名称。Name.")
    weight: float = strawberry.field(description="权重（合计 100）。Weight; weights sum to 100.")


@strawberry.type(description="某一服务类别的项目数与预算。Projects and budget of one class.")
class ClassStat:
    service_class: ServiceClass = strawberry.field(description="服务类别。")
    project_count: int = strawberry.field(description="项目数。")
    budget: Decimal = strawberry.field(description="预算合计。Total budget.")
    awarded_count: int = strawberry.field(description="其中已立项的项目数。Of them, awarded.")
    awarded_amount: Decimal = strawberry.field(description="立项金额合计。Money committed.")


@strawberry.type(description="某一区的项目数与预算。Projects and budget in one district.")
class DistrictStat:
    district: District = strawberry.field(description="行政区。")
    project_count: int = strawberry.field(description="项目数。")
    budget: Decimal = strawberry.field(description="预算合计。Total budget.")
    awarded_count: int = strawberry.field(description="其中已立项的项目数。Of them, awarded.")
    awarded_amount: Decimal = strawberry.field(description="立项金额合计。Money committed.")


@strawberry.type(description="处于某一状态的项目数。How many projects are in one status.")
class StatusStat:
    status: ProjectStatus = strawberry.field(description="项目状态。Status.")
    project_count: int = strawberry.field(description="项目数。")


@strawberry.type(description="本届洽谈会的统计。The fair's figures.")
class FairStats:
    figures: strawberry.Private[FairFigures]
    fair_id: strawberry.Private[int]

    @strawberry.field(description="已发布项目数。Published projects.")
    def project_count(self) -> int:
        return self.figures.projects.count

    @strawberry.field(description="已发布项目预算合计。Their total budget.")
    def total_budget(self) -> Decimal:
        return self.figures.projects.budget

    @strawberry.field(description="已签约（已立项）项目数。Awarded projects.")
    def awarded_count(self) -> int:
        return self.figures.awarded.count

    @strawberry.field(description="已签约金额合计。Money committed by awards.")
    def awarded_budget(self) -> Decimal:
        return self.figures.awarded.budget

    @strawberry.field(description="已拨付金额合计。Money paid so far.")
    async def paid_amount(self) -> Decimal:
        return await money_paid(self.fair_id)

    @strawberry.field(description="收到的认领与投标数（不含撤回）。Claims and bids received.")
    async def bid_count(self) -> int:
        return await bids_received(self.fair_id)

    @strawberry.field(description="按项目状态。By project status.")
    def by_status(self) -> list[StatusStat]:
        counts = self.figures.by_status
        return [StatusStat(status=s, project_count=counts[s]) for s in sorted(counts)]

    @strawberry.field(description="按服务类别。By service class.")
    def by_service_class(self) -> list[ClassStat]:
        return [
            ClassStat(
                service_class=cls,
                project_count=share.published.count,
                budget=share.published.budget,
                awarded_count=share.awarded.count,
                awarded_amount=share.awarded.budget,
            )
            for cls, share in sorted(self.figures.by_class.items())
        ]

    @strawberry.field(description="按行政区。By district.")
    def by_district(self, info: Info) -> list[DistrictStat]:
        tallies = self.figures.by_district

        def stats(districts: list[District]) -> list[DistrictStat]:
            return [
                DistrictStat(
                    district=d,
                    project_count=tallies[pk].published.count,
                    budget=tallies[pk].published.budget,
                    awarded_count=tallies[pk].awarded.count,
                    awarded_amount=tallies[pk].awarded.budget,
                )
                for d, pk in zip(districts, sorted(tallies), strict=True)
            ]

        return then(districts_by_ids(info, sorted(tallies)), stats)


@strawberry.type(description="一届社洽会。One edition of the fair.")
class Fair(Node):
    edition: int = strawberry.field(description="届次。Edition number.")
    name: str = strawberry.field(description="名称。Name.")
    opens_at: datetime = strawberry.field(description="开放认领时间。When claiming opens.")
    closes_at: datetime = strawberry.field(description="截止时间。When claiming closes.")
    row: strawberry.Private[FairRow]

    @strawberry.field(description="现在是否开放认领。Open for claims now.")
    def is_open(self) -> bool:
        return is_open(self.row)

    @strawberry.field(description="竞争性项目的评审标准，权重合计 100。How bids are scored.")
    def criteria(self) -> list[Criterion]:
        return [Criterion(**c) for c in self.row.criteria]

    @strawberry.field(
        description="项目评估的组成项；居委会评价与服务对象满意度合计不少于 60。"
        " How evaluations score projects."
    )
    def evaluation_components(self) -> list[Criterion]:
        return [Criterion(**c) for c in self.row.evaluation_components]

    @strawberry.field(description="中期评估通过后支付的比例（30%–40%）。Mid-term tranche share.")
    def midterm_share(self) -> float:
        return float(self.row.midterm_share)

    @strawberry.field(description="评估合格分。Evaluation pass mark.")
    def pass_mark(self) -> float:
        return self.row.pass_mark

    @strawberry.field(description="居民满意度调查中总体满意度之外的问题。The survey's questions.")
    def survey_questions(self) -> list[SurveyQuestionRef]:
        from schema.surveys.types import SurveyQuestion

        return [SurveyQuestion(key=q["key"], text=q["text"]) for q in self.row.questions()]

    @strawberry.field(description="满意度调查显示统计所需的答卷数。Survey threshold.")
    def survey_min_answers(self) -> int:
        return self.row.survey_min_answers

    @strawberry.field(description="本届统计。The fair's figures.")
    async def stats(self) -> FairStats:
        return FairStats(figures=await fair_figures(self.row.id), fair_id=self.row.id)

    @strawberry.field(description="本届的项目。The fair's projects.")
    async def projects(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: ProjectFilter | None = None,
    ) -> ProjectConnection:
        from schema.projects.queries import project_connection

        return await project_connection(info, first, after, filter, fair_id=self.row.id)

    @classmethod
    def from_row(cls, row: FairRow) -> Fair:
        return cls(
            id=to_global_id("Fair", row.id),
            edition=row.edition,
            name=row.name,
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            row=row,
        )
