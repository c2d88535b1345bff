"""The residents' own rating as the beneficiary component of an evaluation.

When the project's latest survey window has enough answers, its score is what the
beneficiary component (``beneficiary``) should be: the organizer confirms it by entering
the same mark, or enters another with a reason. Either way the audit entry of the
evaluation keeps the survey's figure beside the mark entered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.errors import ErrorCode, Problem
from api.surveys.aggregate import project_satisfaction

BENEFICIARY_KEY = "beneficiary"
# Marks are entered to one decimal: closer than this is the same mark.
TOLERANCE = 0.05
MAX_REASON = 500


@dataclass(frozen=True)
class BeneficiaryCheck:
    """The survey's proposal for the beneficiary mark, and what became of it."""

    problems: list[Problem]
    detail: dict[str, Any] | None


async def check_beneficiary(
    project_id: int, entered: float | None, reason: str | None
) -> BeneficiaryCheck:
    satisfaction = await project_satisfaction(project_id)
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        message = f"改动理由最多 {MAX_REASON} 字。At most {MAX_REASON} characters."
        return BeneficiaryCheck([_problem(message)], None)
    if satisfaction is None or satisfaction.score is None or entered is None:
        return BeneficiaryCheck([], None)
    overridden = abs(entered - satisfaction.score) > TOLERANCE
    if overridden and reason is None:
        message = (
            f"居民满意度调查（{satisfaction.count} 份答卷）得分为 {satisfaction.score:g}，"
            f"您填写的服务对象满意度为 {entered:g}：请采用调查得分，或填写改动理由。"
            " The survey says otherwise: confirm its score or give a reason."
        )
        return BeneficiaryCheck([_problem(message)], None)
    detail = {
        "survey": satisfaction.survey.code,
        "answers": satisfaction.count,
        "surveyScore": satisfaction.score,
        "entered": entered,
        "overridden": overridden,
        "reason": reason if overridden else None,
    }
    return BeneficiaryCheck([], detail)


def _problem(message: str) -> Problem:
    return Problem(ErrorCode.INVALID_INPUT, message, ["beneficiaryOverrideReason"])
