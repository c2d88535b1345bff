"""Evaluations and payments of contracts: ``recordEvaluation`` and ``recordPayment``."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.contracts.evaluations import record_evaluation
from api.contracts.models import EvaluationStage
from api.contracts.payments import record_payment
from api.projects.models import Project as ProjectRow
from schema.context import Info
from schema.contracts.types import Evaluation, Payment
from schema.errors import UserError
from schema.payloads import attempt
from schema.projects.types import Project
from schema.relay import pk_or_none


@strawberry.input(description="对一个评估指标的打分。A mark on one evaluation component.")
class EvaluationScoreInput:
    component: str = strawberry.field(description="评估指标的 key（Criterion.key）。Component key.")
    score: float = strawberry.field(description="分数 0..100。Mark from 0 to 100.")


@strawberry.type(description="记录评估的结果。The result of recording an evaluation.")
class RecordEvaluationPayload:
    evaluation: Evaluation | None = strawberry.field(description="评估结果。The evaluation.")
    project: Project | None = strawberry.field(
        description="项目（不合格则已终止）。The project, terminated when it failed."
    )
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type(description="记录拨付的结果。The result of recording a payment.")
class RecordPaymentPayload:
    payment: Payment | None = strawberry.field(description="已拨付的款项。The tranche paid.")
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type
class ContractsMutation:
    @strawberry.mutation(
        description="记录中期或末期评估（主办方）：合格则下一笔款项应付，不合格则终止项目、"
        "取消未付款项、记入信用记录并限制承接一年。"
        " Record a mid-term or final evaluation and apply its consequences."
    )
    async def record_evaluation(
        self,
        info: Info,
        project: strawberry.ID,
        stage: EvaluationStage,
        scores: list[EvaluationScoreInput],
        beneficiary_override_reason: Annotated[
            str | None,
            strawberry.argument(
                description="居民满意度调查已达门槛而“服务对象满意度”与调查得分不同时，须填写"
                "改动理由（记入审计）。Why the beneficiary mark differs from the survey score."
            ),
        ] = None,
    ) -> RecordEvaluationPayload:
        marks = [(s.component, s.score) for s in scores]
        work = record_evaluation(
            info.context.account,
            pk_or_none(project, "Project"),
            stage,
            marks,
            beneficiary_override_reason,
        )
        evaluation, errors = await attempt(work)
        if evaluation is None:
            return RecordEvaluationPayload(evaluation=None, project=None, errors=errors)
        row = await ProjectRow.get(id=evaluation.project_id)
        return RecordEvaluationPayload(
            evaluation=Evaluation.from_row(evaluation), project=Project.from_row(row), errors=[]
        )

    @strawberry.mutation(
        description="记录一笔应付款项已拨付（主办方），附支付凭证号。"
        " Mark a due tranche paid, with its reference."
    )
    async def record_payment(
        self, info: Info, project: strawberry.ID, tranche: int, reference: str
    ) -> RecordPaymentPayload:
        work = record_payment(
            info.context.account, pk_or_none(project, "Project"), tranche, reference
        )
        payment, errors = await attempt(work)
        return RecordPaymentPayload(
            payment=Payment.from_row(payment) if payment else None, errors=errors
        )
