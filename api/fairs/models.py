"""Fair editions: the window, the review criteria and the evaluation components."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise import fields
from tortoise.models import Model

# How reviewers score bids; weights sum to 100.
DEFAULT_CRITERIA: list[dict[str, object]] = [
    {"key": "need", "name": "需求契合度", "weight": 25.0},
    {"key": "plan", "name": "服务方案可行性", "weight": 30.0},
    {"key": "capacity", "name": "机构能力与团队", "weight": 20.0},
    {"key": "budget", "name": "预算合理性", "weight": 15.0},
    {"key": "innovation", "name": "创新与可持续性", "weight": 10.0},
]

# How evaluations score projects; the residents' committee and beneficiary satisfaction
# together must weigh at least 60 (the city's rule).
DEFAULT_EVALUATION_COMPONENTS: list[dict[str, object]] = [
    {"key": "community", "name": "社区居委会评价", "weight": 35.0},
    {"key": "beneficiary", "name": "服务对象满意度", "weight": 30.0},
    {"key": "third_party", "name": "第三方专业评估", "weight": 25.0},
    {"key": "finance", "name": "财务规范性", "weight": 10.0},
]

# What residents are asked besides the overall satisfaction (1–5 each); a fair keeps
# 3 to 5 of them. Each survey window copies the fair's questions when it opens.
DEFAULT_SURVEY_QUESTIONS: list[dict[str, object]] = [
    {"key": "attitude", "text": "服务人员的态度好吗？"},
    {"key": "usefulness", "text": "这项服务对您有帮助吗？"},
    {"key": "convenience", "text": "参加服务方便吗（时间、地点）？"},
]
# Answers a survey window needs before its figures are shown (the fair's default).
DEFAULT_SURVEY_MIN_ANSWERS = 10

# Evaluation components that speak for the residents and the beneficiaries.
RESIDENT_COMPONENT_KEYS = ("community", "beneficiary")
# The weight they must carry together, at least (percent).
MIN_RESIDENT_WEIGHT = 60


class Fair(Model):
    """One edition of the fair (第N届社洽会) and its rules."""

    id = fields.IntField(primary_key=True)
    edition = fields.IntField(unique=True)
    name = fields.CharField(max_length=128)
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    criteria = fields.JSONField[list[dict[str, Any]]](default=list)
    evaluation_components = fields.JSONField[list[dict[str, Any]]](default=list)
    # Share of the contract paid after the mid-term evaluation (30–40%).
    midterm_share = fields.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0.40"))
    pass_mark = fields.FloatField(default=60.0)
    # The residents' survey: None keeps DEFAULT_SURVEY_QUESTIONS.
    survey_questions = fields.JSONField[list[dict[str, Any]]](null=True)
    # db_default: the column is added to fairs that already exist.
    survey_min_answers = fields.SmallIntField(
        default=DEFAULT_SURVEY_MIN_ANSWERS, db_default=DEFAULT_SURVEY_MIN_ANSWERS
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    def questions(self) -> list[dict[str, Any]]:
        """The survey questions in force for this fair."""
        chosen = self.survey_questions or DEFAULT_SURVEY_QUESTIONS
        return [dict(q) for q in chosen]

    class Meta:
        table = "fair"
        ordering = ["-edition"]
