"""An organization's record across fairs: ``Organization.history`` and its types."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.contracts.models import EvaluationStage
from api.organizations import history as domain
from schema.context import Info
from schema.contracts.types import Evaluation, Payment
from schema.fairs.loaders import FairByIdLoader
from schema.organizations.types import CreditEntry, projects_by_ids

if TYPE_CHECKING:
    from schema.fairs.types import Fair
    from schema.projects.types import Project

FairRef = Annotated["Fair", strawberry.lazy("schema.fairs.types")]
ProjectRef = Annotated["Project", strawberry.lazy("schema.projects.types")]


async def _fair(info: Info, fair_id: int) -> Fair:
    from schema.fairs.types import Fair

    row = await info.context.loader(FairByIdLoader).load(fair_id)
    assert row is not None
    return Fair.from_row(row)


@strawberry.type(
    description="历年承接的一个项目及其履约情况。A project the organization was awarded."
)
class PastProject:
    edition: int = strawberry.field(description="届次。Fair edition.")
    amount: Decimal = strawberry.field(description="立项金额（元）。Amount awarded, CNY.")
    awarded_at: datetime = strawberry.field(description="立项时间。Awarded at.")
    midterm_score: float | None = strawberry.field(description="中期评估得分。Mid-term score.")
    final_score: float | None = strawberry.field(description="末期评估得分。Final score.")
    paid: Decimal = strawberry.field(description="已拨付金额（元）。Amount paid so far.")
    evaluations: list[Evaluation] = strawberry.field(description="评估。Evaluations.")
    payments: list[Payment] = strawberry.field(description="三笔拨付。Payment tranches.")
    credit_entries: list[CreditEntry] = strawberry.field(
        description="与本项目有关的信用记录。Credit entries about this project."
    )
    row: strawberry.Private[domain.PastProject]

    @strawberry.field(description="项目。The project.")
    async def project(self, info: Info) -> ProjectRef:
        return (await projects_by_ids(info, [self.row.project_id]))[0]

    @strawberry.field(description="所属届次。The fair.")
    async def fair(self, info: Info) -> FairRef:
        return await _fair(info, self.row.fair_id)

    @classmethod
    def from_past(cls, past: domain.PastProject) -> PastProject:
        return cls(
            edition=past.edition,
            amount=past.amount,
            awarded_at=past.awarded_at,
            midterm_score=past.score(EvaluationStage.MIDTERM),
            final_score=past.score(EvaluationStage.FINAL),
            paid=past.paid,
            evaluations=[Evaluation.from_row(e) for e in past.evaluations],
            payments=[Payment.from_row(p) for p in past.payments],
            credit_entries=[CreditEntry.from_row(c) for c in past.credit_entries],
            row=past,
        )


@strawberry.type(description="在一届社洽会上的履约汇总。The organization at one fair.")
class FairRecord:
    edition: int = strawberry.field(description="届次。Fair edition.")
    projects: int = strawberry.field(description="承接项目数。Projects awarded.")
    contracted: Decimal = strawberry.field(description="立项金额合计（元）。Amount awarded.")
    paid: Decimal = strawberry.field(description="已拨付合计（元）。Amount paid.")
    mean_score: float | None = strawberry.field(
        description="平均评估得分（有末期用末期，否则中期）。Mean of the latest scores."
    )
    passed: int = strawberry.field(description="合格的评估次数。Evaluations passed.")
    failed: int = strawberry.field(description="不合格的评估次数。Evaluations failed.")
    fair_id: strawberry.Private[int]

    @strawberry.field(description="届次。The fair.")
    async def fair(self, info: Info) -> FairRef:
        return await _fair(info, self.fair_id)

    @classmethod
    def from_record(cls, r: domain.FairRecord) -> FairRecord:
        return cls(
            edition=r.edition,
            projects=r.projects,
            contracted=r.contracted,
            paid=r.paid,
            mean_score=r.mean_score,
            passed=r.passed,
            failed=r.failed,
            fair_id=r.fair_id,
        )


@strawberry.type(
    description="社会组织历年的履约记录：每届汇总、每个承接项目的评估、拨付与信用记录。"
    " An organization's record across fairs."
)
class OrganizationHistory:
    fairs: list[FairRecord] = strawberry.field(
        description="各届汇总，新的在前。One line per fair, newest first."
    )
    projects: list[PastProject] = strawberry.field(
        description="承接过的全部项目，新的届次在前。Every project awarded, newest fair first."
    )
    credit_entries: list[CreditEntry] = strawberry.field(
        description="全部信用记录。The whole credit record."
    )

    @classmethod
    def from_history(cls, h: domain.OrganizationHistory) -> OrganizationHistory:
        return cls(
            fairs=[FairRecord.from_record(r) for r in h.fairs],
            projects=[PastProject.from_past(p) for p in h.projects],
            credit_entries=[CreditEntry.from_row(c) for c in h.credit_entries],
        )
