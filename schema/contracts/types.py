"""GraphQL types of evaluations and payments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from api.contracts.models import Evaluation as EvaluationRow
from api.contracts.models import EvaluationStage
from api.contracts.models import Payment as PaymentRow

strawberry.enum(EvaluationStage, name="EvaluationStage", description="评估阶段：中期、末期。")


@strawberry.type(description="第三方评估。A mid-term or final evaluation.")
class Evaluation:
    stage: EvaluationStage = strawberry.field(description="阶段。Stage.")
    score: float = strawberry.field(description="加权得分 0..100。Weighted score.")
    passed: bool = strawberry.field(description="是否合格。Passed.")
    at: datetime = strawberry.field(description="评估时间。When.")

    @classmethod
    def from_row(cls, row: EvaluationRow) -> Evaluation:
        return cls(stage=row.stage, score=row.score, passed=row.passed, at=row.at)


@strawberry.type(description="一笔拨付。One payment tranche of the contract.")
class Payment:
    tranche: int = strawberry.field(description="第几笔（1–3）。Tranche number.")
    share: float = strawberry.field(description="占合同金额的比例。Share of the contract.")
    amount: Decimal = strawberry.field(description="金额（元）。Amount.")
    due_on: str | None = strawberry.field(description="应付日期（YYYY-MM-DD）。Due date.")
    status: str = strawberry.field(
        description="PENDING 待评估 / DUE 应付 / PAID 已付 / CANCELLED 已取消。"
    )
    paid_at: datetime | None = strawberry.field(description="支付时间。Paid at.")
    reference: str | None = strawberry.field(description="支付凭证号。Payment reference.")

    @classmethod
    def from_row(cls, row: PaymentRow) -> Payment:
        return cls(
            tranche=row.tranche,
            share=float(row.share),
            amount=row.amount,
            due_on=row.due_on.isoformat() if row.due_on else None,
            status=row.status.value,
            paid_at=row.paid_at,
            reference=row.reference,
        )
