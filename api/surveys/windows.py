"""Opening and closing a project's survey window.

The organizer or the project's publisher opens a window while the project is in
delivery; answers are taken from ``opens_at`` (now unless later) until ``closes_at``.
A project has at most one window that has not ended: opening another is refused until
it closes. The check and the insert run under the project's row lock, so two
organizers clicking at once open one window.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.errors import DomainError, ErrorCode, Problem
from api.fairs.models import Fair
from api.live.events import EventKind, FairEvent
from api.live.runtime import announce
from api.projects.models import Project, ProjectStatus
from api.settings import city_zone
from api.surveys.access import project_or_refusal, require_manager
from api.surveys.models import SatisfactionSurvey

# Long enough for a quarter's services, short enough that a forgotten window ends.
MAX_WINDOW = timedelta(days=92)
# Letters and digits a resident cannot misread when typing the link by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code() -> str:
    """A short random public code: 32^8 ≈ 10^12 codes, not guessable in bulk."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def city_time(at: datetime) -> str:
    return at.astimezone(city_zone()).strftime("%Y-%m-%d %H:%M")


async def open_survey(
    actor: Account | None,
    project_id: int | None,
    closes_at: datetime,
    opens_at: datetime | None = None,
) -> SatisfactionSurvey:
    """A new window for the project, with the questions of its fair as they are now."""
    require(actor, Role.ORGANIZER, Role.PUBLISHER)  # who is asking comes first
    project = await project_or_refusal(project_id)
    account = require_manager(actor, project)
    now = datetime.now(UTC)
    start = opens_at or now
    problems = _window_problems(start, closes_at, now)
    if problems:
        raise DomainError(problems)
    fair = await Fair.get(id=project.fair_id)
    async with in_transaction():
        locked = await Project.filter(id=project.id).select_for_update().get()
        await _check_openable(locked, now)
        survey = await _create(locked, fair, start, closes_at, account)
        await record(
            account,
            "openSatisfactionSurvey",
            [survey, locked],
            {"code": survey.code, "opensAt": start.isoformat(), "closesAt": closes_at.isoformat()},
        )
    await announce(FairEvent.about(EventKind.SURVEY_OPENED, project))
    return survey


async def close_survey(actor: Account | None, survey_id: int | None) -> SatisfactionSurvey:
    """End a window now; answers already given stay."""
    require(actor, Role.ORGANIZER, Role.PUBLISHER)
    survey = await _survey_or_refusal(survey_id)
    project = await Project.get(id=survey.project_id)
    account = require_manager(actor, project)
    now = datetime.now(UTC)
    async with in_transaction():
        # Conditional: of two closes at once, one ends the window, the other is told so.
        ended = await SatisfactionSurvey.filter(id=survey.id, closes_at__gt=now).update(
            closes_at=now
        )
        if not ended:
            message = "该满意度调查已经结束。The survey has already closed."
            raise DomainError.one(ErrorCode.SURVEY_CLOSED, message, ["survey"])
        await record(account, "closeSatisfactionSurvey", [survey, project], {"code": survey.code})
    return await SatisfactionSurvey.get(id=survey.id)


async def _survey_or_refusal(survey_id: int | None) -> SatisfactionSurvey:
    found = await SatisfactionSurvey.get_or_none(id=survey_id) if survey_id is not None else None
    if found is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "满意度调查不存在。No such survey.", ["survey"])
    return found


def _window_problems(opens_at: datetime, closes_at: datetime, now: datetime) -> list[Problem]:
    if closes_at <= now:
        message = "结束时间须晚于现在。The window must close in the future."
        return [Problem(ErrorCode.INVALID_INPUT, message, ["closesAt"])]
    if closes_at <= opens_at:
        message = "结束时间须晚于开始时间。The window must close after it opens."
        return [Problem(ErrorCode.INVALID_INPUT, message, ["closesAt"])]
    if opens_at < now - timedelta(minutes=5):
        message = "开始时间不能早于现在。The window cannot open in the past."
        return [Problem(ErrorCode.INVALID_INPUT, message, ["opensAt"])]
    if closes_at - opens_at > MAX_WINDOW:
        days = MAX_WINDOW.days
        message = f"调查时间最长 {days} 天。A window lasts {days} days at most."
        return [Problem(ErrorCode.INVALID_INPUT, message, ["closesAt"])]
    return []


async def _check_openable(project: Project, now: datetime) -> None:
    if project.status != ProjectStatus.IN_DELIVERY:
        message = "只有实施中的项目才能开展满意度调查。Only a project in delivery can be surveyed."
        raise DomainError.one(ErrorCode.INVALID_STATE, message, ["project"])
    current = await SatisfactionSurvey.filter(project_id=project.id, closes_at__gt=now).first()
    if current is not None:
        message = (
            f"该项目已有未结束的满意度调查（至 {city_time(current.closes_at)}），"
            "请先结束它。The project already has a survey that has not closed."
        )
        raise DomainError.one(ErrorCode.INVALID_STATE, message, ["project"])


async def _create(
    project: Project, fair: Fair, opens_at: datetime, closes_at: datetime, actor: Account
) -> SatisfactionSurvey:
    """Insert with a fresh code; a code collision (one in ~10^12) draws again."""
    for _ in range(5):
        try:
            async with in_transaction():
                return await SatisfactionSurvey.create(
                    project_id=project.id,
                    code=new_code(),
                    opens_at=opens_at,
                    closes_at=closes_at,
                    questions=fair.questions(),
                    min_answers=fair.survey_min_answers,
                    opened_by_id=actor.id,
                )
        except IntegrityError:
            continue
    raise RuntimeError("no free survey code after five draws")
