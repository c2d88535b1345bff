"""Shared steps of the survey tests: a project in delivery, its window, residents' answers."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from api.auth.models import Role
from api.fairs.models import Fair
from api.projects.models import Project
from api.surveys.models import SatisfactionSurvey
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

OPEN = """
mutation Open($project: ID!, $closesAt: DateTime!, $opensAt: DateTime) {
  openSatisfactionSurvey(project: $project, closesAt: $closesAt, opensAt: $opensAt) {
    survey { id code link qrCodeUrl posterUrl isOpen opensAt closesAt minAnswers questions { key text } }
    project { id status }
    errors { code field message }
  }
}
"""

CLOSE = """
mutation Close($survey: ID!) {
  closeSatisfactionSurvey(survey: $survey) { survey { id isOpen closesAt } errors { code field message } }
}
"""

SUBMIT = """
mutation Submit($code: String!, $input: SatisfactionAnswerInput!) {
  submitSatisfactionSurvey(code: $code, input: $input) { accepted commentPending errors { code field message } }
}
"""

SURVEY = """
query Survey($code: String!) {
  satisfactionSurvey(code: $code) {
    code isOpen closesAt questions { key text } project { title community publisher { name } }
  }
}
"""

SATISFACTION = """
query Satisfaction($id: ID!) {
  project(id: $id) {
    satisfaction {
      count minAnswers shown mean distribution score questions { key mean }
      window { code link isOpen }
      comments { id text status }
    }
  }
}
"""

MODERATE = """
mutation Moderate($comment: ID!, $approve: Boolean!) {
  moderateSatisfactionComment(comment: $comment, approve: $approve) {
    comment { id text status } errors { code field message }
  }
}
"""


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def project_in_delivery(min_answers: int = 3) -> Project:
    """A project whose first tranche is paid, in a fair that shows figures at ``min_answers``."""
    fair = await factories.fair()
    await Fair.filter(id=fair.id).update(survey_min_answers=min_answers)
    project = await factories.project(fair)
    await factories.contract(project, await factories.organization(), "100000.00")
    return project


async def open_window(gql, project: Project, token: str, days: int = 14) -> dict[str, Any]:
    variables = {
        "project": to_global_id("Project", project.id),
        "closesAt": (factories.now() + timedelta(days=days)).isoformat(),
    }
    return (await gql(OPEN, variables, token))["data"]["openSatisfactionSurvey"]


async def surveyed_project(gql, min_answers: int = 3) -> tuple[Project, str]:
    """A project in delivery with an open window; returns the project and the link's code."""
    project = await project_in_delivery(min_answers)
    payload = await open_window(gql, project, await token_for(Role.ORGANIZER))
    assert payload["errors"] == []
    return project, payload["survey"]["code"]


def device() -> str:
    return secrets.token_urlsafe(18)


def answer(
    overall: int = 5,
    marks: tuple[int, int, int] = (5, 4, 4),
    *,
    token: str | None = None,
    phone: str | None = None,
    comment: str | None = None,
) -> dict[str, Any]:
    keys = ("attitude", "usefulness", "convenience")  # the default questions
    return {
        "deviceToken": token or device(),
        "overall": overall,
        "answers": [{"question": k, "score": m} for k, m in zip(keys, marks, strict=True)],
        "phone": phone,
        "comment": comment,
    }


async def submit(gql, code: str, given: dict[str, Any]) -> dict[str, Any]:
    result = await gql(SUBMIT, {"code": code, "input": given})
    return result["data"]["submitSatisfactionSurvey"]


async def satisfaction(gql, project: Project, token: str | None = None) -> dict[str, Any] | None:
    variables = {"id": to_global_id("Project", project.id)}
    return (await gql(SATISFACTION, variables, token))["data"]["project"]["satisfaction"]


async def window_of(project: Project) -> SatisfactionSurvey:
    return await SatisfactionSurvey.get(project_id=project.id)
