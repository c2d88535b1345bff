"""Setting up fair editions: the window, how bids are scored and how projects are evaluated.

Organizers create an edition and later rename it, move its window or end it early
(``closes_at`` = now). The weights are the city's rules: review criteria sum to 100, and
in evaluations the residents' committee and the beneficiaries together weigh at least 60.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.bidding.models import Award, ReviewScore
from api.contracts.models import Evaluation
from api.contracts.tranches import midterm_share_allowed
from api.errors import DomainError, ErrorCode, Problem
from api.fairs.models import (
    DEFAULT_CRITERIA,
    DEFAULT_EVALUATION_COMPONENTS,
    MIN_RESIDENT_WEIGHT,
    RESIDENT_COMPONENT_KEYS,
    Fair,
)
from api.fairs.survey_settings import (
    QuestionSpec,
    question_problems,
    stored_questions,
    threshold_problems,
)
from api.money import CENT

TOTAL_WEIGHT = Decimal(100)
MAX_NAME = 128
MAX_CRITERION_NAME = 64
MAX_CRITERIA = 20
# Keys are referenced by reviewers' and evaluators' score inputs: short and stable.
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,31}")


@dataclass(frozen=True)
class Weighted:
    """A review criterion or an evaluation component with its weight."""

    key: str
    name: str
    weight: float


@dataclass(frozen=True)
class FairSpec:
    """What an organizer enters for an edition; ``None`` keeps the default (or current) value."""

    edition: int
    name: str
    opens_at: datetime
    closes_at: datetime
    criteria: list[Weighted] | None = None
    evaluation_components: list[Weighted] | None = None
    midterm_share: float | None = None
    pass_mark: float | None = None
    survey_questions: list[QuestionSpec] | None = None
    survey_min_answers: int | None = None


async def create_fair(actor: Account | None, spec: FairSpec) -> Fair:
    """A new edition; criteria and evaluation components take the defaults unless given."""
    require(actor, Role.ORGANIZER)
    problems = _spec_problems(spec)
    problems += await _edition_problems(spec.edition, None)
    if problems:
        raise DomainError(problems)
    values = _values(spec)
    values.setdefault("criteria", [dict(c) for c in DEFAULT_CRITERIA])
    values.setdefault("evaluation_components", [dict(c) for c in DEFAULT_EVALUATION_COMPONENTS])
    try:
        async with in_transaction():
            fair = await Fair.create(**values)
            await record(actor, "createFair", [fair], {"edition": fair.edition})
    except IntegrityError as exc:
        # A concurrent request took the edition between the check and the insert.
        raise _edition_taken(spec.edition) from exc
    return fair


async def update_fair(actor: Account | None, fair_id: int | None, spec: FairSpec) -> Fair:
    """Rename an edition, move or end its window, or change its rules while still unused."""
    require(actor, Role.ORGANIZER)
    if fair_id is None or not await Fair.filter(id=fair_id).exists():
        raise DomainError.one(ErrorCode.NOT_FOUND, "该届社洽会不存在。No such fair.", ["fair"])
    problems = _spec_problems(spec)
    problems += await _edition_problems(spec.edition, fair_id)
    if problems:
        raise DomainError(problems)
    try:
        async with in_transaction():
            # Locked, so a concurrent update or publication sees the window we leave.
            fair = await Fair.filter(id=fair_id).select_for_update().get()
            values = _values(spec)
            changed = [name for name, value in values.items() if getattr(fair, name) != value]
            await _check_rules_unused(fair, changed)
            fair.update_from_dict(values)
            await fair.save(update_fields=list(values))
            await record(actor, "updateFair", [fair], {"changed": changed})
    except IntegrityError as exc:
        raise _edition_taken(spec.edition) from exc
    return fair


def _values(spec: FairSpec) -> dict[str, Any]:
    """The columns the spec sets, in stored form; omitted rules are left out."""
    values: dict[str, Any] = {
        "edition": spec.edition,
        "name": spec.name.strip(),
        "opens_at": spec.opens_at,
        "closes_at": spec.closes_at,
    }
    if spec.criteria is not None:
        values["criteria"] = _stored(spec.criteria)
    if spec.evaluation_components is not None:
        values["evaluation_components"] = _stored(spec.evaluation_components)
    if spec.midterm_share is not None:
        values["midterm_share"] = Decimal(str(spec.midterm_share)).quantize(CENT)
    if spec.pass_mark is not None:
        values["pass_mark"] = float(spec.pass_mark)
    if spec.survey_questions is not None:
        values["survey_questions"] = stored_questions(spec.survey_questions)
    if spec.survey_min_answers is not None:
        values["survey_min_answers"] = spec.survey_min_answers
    return values


def _stored(items: list[Weighted]) -> list[dict[str, Any]]:
    return [{"key": c.key, "name": c.name.strip(), "weight": float(c.weight)} for c in items]


# Rules that must not change once they have been applied to someone's bid or project:
# changing them afterwards would rewrite results already given.
FROZEN_RULES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("criteria",), "criteria", "已有投标被评分，评审标准不能再修改。"),
    (
        ("evaluation_components", "pass_mark"),
        "evaluationComponents",
        "已有项目完成评估，评估组成项和合格分不能再修改。",
    ),
    (("midterm_share",), "midtermShare", "已有项目立项并生成付款计划，中期付款比例不能再修改。"),
)


async def _check_rules_unused(fair: Fair, changed: list[str]) -> None:
    problems = []
    for columns, field, message in FROZEN_RULES:
        if any(c in changed for c in columns) and await _rule_applied(fair.id, columns[0]):
            problems.append(Problem(ErrorCode.INVALID_STATE, message, ["input", field]))
    if problems:
        raise DomainError(problems)


async def _rule_applied(fair_id: int, column: str) -> bool:
    if column == "criteria":
        return await ReviewScore.filter(bid__project__fair_id=fair_id).exists()
    if column == "evaluation_components":
        return await Evaluation.filter(project__fair_id=fair_id).exists()
    return await Award.filter(project__fair_id=fair_id).exists()


def _edition_taken(edition: int) -> DomainError:
    return DomainError.one(
        ErrorCode.INVALID_INPUT, f"第{edition}届已经存在。Edition taken.", ["input", "edition"]
    )


async def _edition_problems(edition: int, own_id: int | None) -> list[Problem]:
    if edition <= 0:
        return []  # refused already as not positive
    taken = Fair.filter(edition=edition)
    if own_id is not None:
        taken = taken.exclude(id=own_id)
    return _edition_taken(edition).problems if await taken.exists() else []


def _spec_problems(spec: FairSpec) -> list[Problem]:
    """Everything wrong with the entered values, all at once."""
    problems = []
    if spec.edition <= 0:
        problems.append(_invalid("届次必须是正整数。", "edition"))
    name = spec.name.strip()
    if not name or len(name) > MAX_NAME:
        problems.append(_invalid(f"名称不能为空，最多 {MAX_NAME} 个字。", "name"))
    if spec.closes_at <= spec.opens_at:
        problems.append(_invalid("截止时间必须晚于开放时间。", "closesAt"))
    if spec.criteria is not None:
        problems += _weighted_problems(spec.criteria, "criteria")
    if spec.evaluation_components is not None:
        problems += _weighted_problems(spec.evaluation_components, "evaluationComponents")
        problems += _resident_problems(spec.evaluation_components)
    if spec.midterm_share is not None and not _midterm_share_ok(spec.midterm_share):
        problems.append(
            _invalid("中期付款比例必须在 0.30 到 0.40 之间，最多两位小数。", "midtermShare")
        )
    if spec.pass_mark is not None and not (
        math.isfinite(spec.pass_mark) and 0 < spec.pass_mark <= 100
    ):
        problems.append(_invalid("评估合格分必须大于 0 且不超过 100。", "passMark"))
    if spec.survey_questions is not None:
        problems += question_problems(spec.survey_questions)
    if spec.survey_min_answers is not None:
        problems += threshold_problems(spec.survey_min_answers)
    return problems


def _invalid(message: str, field: str) -> Problem:
    return Problem(ErrorCode.INVALID_INPUT, message, ["input", field])


def _midterm_share_ok(share: float) -> bool:
    if not math.isfinite(share):
        return False
    exact = Decimal(str(share))
    return midterm_share_allowed(exact) and exact == exact.quantize(CENT)


def _weight(item: Weighted) -> Decimal | None:
    """The weight as an exact decimal (so 33.3 + 33.3 + 33.4 is 100), None if not a number."""
    return Decimal(str(item.weight)) if math.isfinite(item.weight) else None


def _weighted_problems(items: list[Weighted], field: str) -> list[Problem]:
    """Keys, names and weights of one list: each well formed, keys unique, total 100."""
    problems = []
    if len(items) > MAX_CRITERIA:
        problems.append(_invalid(f"最多 {MAX_CRITERIA} 项。", field))
    seen: set[str] = set()
    for i, item in enumerate(items):
        at = ["input", field, str(i)]
        if not KEY_PATTERN.fullmatch(item.key):
            problems.append(
                Problem(
                    ErrorCode.INVALID_INPUT,
                    "键须以小写字母开头，只含小写字母、数字和下划线，最多 32 个字符。",
                    [*at, "key"],
                )
            )
        elif item.key in seen:
            problems.append(
                Problem(ErrorCode.INVALID_WEIGHTS, f"键“{item.key}”重复。", [*at, "key"])
            )
        seen.add(item.key)
        if not item.name.strip() or len(item.name.strip()) > MAX_CRITERION_NAME:
            problems.append(
                Problem(
                    ErrorCode.INVALID_INPUT,
                    f"名称不能为空，最多 {MAX_CRITERION_NAME} 个字。",
                    [*at, "name"],
                )
            )
        weight = _weight(item)
        if weight is None or weight <= 0:
            problems.append(Problem(ErrorCode.INVALID_WEIGHTS, "权重必须大于 0。", [*at, "weight"]))
    weights = [_weight(item) or Decimal(0) for item in items]
    total = sum(weights, Decimal(0))
    if total != TOTAL_WEIGHT:
        problems.append(
            Problem(
                ErrorCode.INVALID_WEIGHTS,
                f"各项权重合计必须等于 100，现为 {total}。Weights must sum to 100.",
                ["input", field],
            )
        )
    return problems


def _resident_problems(components: list[Weighted]) -> list[Problem]:
    """The residents' committee and the beneficiaries must be there and weigh at least 60."""
    keys = {c.key for c in components}
    missing = [k for k in RESIDENT_COMPONENT_KEYS if k not in keys]
    field = ["input", "evaluationComponents"]
    if missing:
        return [
            Problem(
                ErrorCode.INVALID_WEIGHTS,
                "评估必须包含社区居委会评价（community）和服务对象满意度（beneficiary），"
                f"缺少：{'、'.join(missing)}。",
                field,
            )
        ]
    resident = sum(
        (_weight(c) or Decimal(0) for c in components if c.key in RESIDENT_COMPONENT_KEYS),
        Decimal(0),
    )
    if resident < MIN_RESIDENT_WEIGHT:
        return [
            Problem(
                ErrorCode.INVALID_WEIGHTS,
                f"社区居委会评价与服务对象满意度的权重合计不得低于 {MIN_RESIDENT_WEIGHT}，"
                f"现为 {resident}。",
                field,
            )
        ]
    return []
