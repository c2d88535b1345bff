"""A resident's answer to a survey window, taken without an account.

Against stuffing: one answer per device token and one per phone number (when given),
each kept only as a keyed hash and made unique per window by the database, so that
two answers sent at once from one device store exactly one; the rate limit per client
address is in schema/ratelimit.py; the figures stay hidden below the window's minimum
number of answers (api/surveys/aggregate.py); comments wait for moderation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.db import fitting
from api.errors import DomainError, ErrorCode, Problem
from api.projects.models import Project, ProjectStatus
from api.surveys.identity import (
    device_problems,
    keyed_hash,
    normalised_phone,
    phone_problems,
)
from api.surveys.models import CommentStatus, SatisfactionSurvey, SurveyAnswer
from api.surveys.windows import city_time

MIN_MARK, MAX_MARK = 1, 5
MAX_COMMENT = 500


@dataclass(frozen=True)
class AnswerSpec:
    """What the resident's page sends."""

    device_token: str
    overall: int
    marks: list[tuple[str, int]]
    comment: str | None = None
    phone: str | None = None


async def survey_by_code(code: str) -> SatisfactionSurvey | None:
    codes = fitting(SatisfactionSurvey, "code", [code.strip().upper()])
    return await SatisfactionSurvey.get_or_none(code=codes[0]) if codes else None


async def submit_answer(code: str, spec: AnswerSpec, pepper: str) -> SurveyAnswer:
    """Store one answer, or refuse it with every problem found."""
    survey = await survey_by_code(code)
    if survey is None:
        message = "找不到这份满意度调查，请核对二维码或链接。No such survey."
        raise DomainError.one(ErrorCode.NOT_FOUND, message, ["code"])
    now = datetime.now(UTC)
    await _check_open(survey, now)
    problems = _answer_problems(survey, spec)
    if problems:
        raise DomainError(problems)
    device_hash = keyed_hash(pepper, "device", spec.device_token)
    phone = normalised_phone(spec.phone) if spec.phone else None
    phone_hash = keyed_hash(pepper, "phone", phone) if phone else None
    await _check_unanswered(survey, device_hash, phone_hash)
    comment = (spec.comment or "").strip() or None
    try:
        async with in_transaction():
            answer = await SurveyAnswer.create(
                survey_id=survey.id,
                device_hash=device_hash,
                phone_hash=phone_hash,
                overall=spec.overall,
                marks=dict(spec.marks),
                comment=comment,
                comment_status=CommentStatus.PENDING if comment else None,
                submitted_at=now,
            )
            detail = {"code": survey.code, "phone": phone is not None, "comment": bool(comment)}
            await record(None, "submitSatisfactionSurvey", [answer, survey], detail)
    except IntegrityError as exc:
        # The same device or phone answered between the check and the insert.
        raise _already_answered() from exc
    return answer


async def _check_open(survey: SatisfactionSurvey, now: datetime) -> None:
    if now < survey.opens_at:
        message = f"满意度调查尚未开始，将于 {city_time(survey.opens_at)} 开始。Not open yet."
        raise DomainError.one(ErrorCode.SURVEY_CLOSED, message, ["code"])
    status = await Project.filter(id=survey.project_id).values_list("status", flat=True)
    if now >= survey.closes_at or status != [ProjectStatus.IN_DELIVERY]:
        message = (
            f"本次满意度调查已于 {city_time(min(now, survey.closes_at))} 结束，"
            "不再接受答卷。谢谢您的关心！The survey has closed."
        )
        raise DomainError.one(ErrorCode.SURVEY_CLOSED, message, ["code"])


def _answer_problems(survey: SatisfactionSurvey, spec: AnswerSpec) -> list[Problem]:
    problems = device_problems(spec.device_token) + phone_problems(spec.phone)
    if not _is_mark(spec.overall):
        message = "请为总体满意度打 1–5 分。Overall satisfaction is 1 to 5."
        problems.append(Problem(ErrorCode.INVALID_INPUT, message, ["input", "overall"]))
    problems += _marks_problems(survey, spec.marks)
    if spec.comment is not None and len(spec.comment.strip()) > MAX_COMMENT:
        message = f"意见建议最多 {MAX_COMMENT} 字。At most {MAX_COMMENT} characters."
        problems.append(Problem(ErrorCode.INVALID_INPUT, message, ["input", "comment"]))
    return problems


def _marks_problems(survey: SatisfactionSurvey, marks: list[tuple[str, int]]) -> list[Problem]:
    asked = [q["key"] for q in survey.questions]
    given = [key for key, _ in marks]
    problems = []
    for index, (key, mark) in enumerate(marks):
        field = ["input", "answers", str(index)]
        if key not in asked:
            message = f"调查中没有问题“{key}”。No such question."
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, field))
        elif given.count(key) > 1:
            message = "同一个问题只能回答一次。A question is answered once."
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, field))
        elif not _is_mark(mark):
            message = "每个问题请打 1–5 分。Each question takes 1 to 5."
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, field))
    for question in survey.questions:
        if question["key"] not in given:
            message = f"请回答：{question['text']}  Please answer every question."
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, ["input", "answers"]))
    return problems


def _is_mark(value: int) -> bool:
    return MIN_MARK <= value <= MAX_MARK


async def _check_unanswered(
    survey: SatisfactionSurvey, device_hash: str, phone_hash: str | None
) -> None:
    """A friendly refusal before the insert; the unique indexes decide under races."""
    answers = SurveyAnswer.filter(survey_id=survey.id)
    if await answers.filter(device_hash=device_hash).exists():
        raise _already_answered()
    if phone_hash is not None and await answers.filter(phone_hash=phone_hash).exists():
        raise _already_answered()


def _already_answered() -> DomainError:
    message = (
        "这台设备或这个手机号已经提交过本次调查，每人只能提交一次。谢谢您！"
        " This device or phone number has already answered."
    )
    return DomainError.one(ErrorCode.ALREADY_ANSWERED, message, ["input"])
