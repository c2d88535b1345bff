"""Residents' satisfaction surveys: opening a window, answering it, and the safeguards."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.projects.models import Project, ProjectStatus
from api.surveys.models import SatisfactionSurvey, SurveyAnswer
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for
from tests.survey_support import (
    CLOSE,
    OPEN,
    SURVEY,
    answer,
    codes,
    device,
    open_window,
    project_in_delivery,
    submit,
    surveyed_project,
    window_of,
)


@pytest.fixture
async def organizer(app) -> str:
    return await token_for(Role.ORGANIZER)


# --- opening and closing a window -----------------------------------------------------------


async def test_an_organizer_opens_a_window_with_a_short_link_and_the_fairs_questions(
    gql, organizer
) -> None:
    # Given a project in delivery
    project = await project_in_delivery()
    # When an organizer opens a two-week survey window
    payload = await open_window(gql, project, organizer)
    # Then the window is open, with a short link, its QR code and poster, and 3 questions
    assert payload["errors"] == []
    survey = payload["survey"]
    assert survey["isOpen"] is True
    assert len(survey["code"]) == 8
    assert survey["link"] == f"http://testserver/s/{survey['code']}"
    assert survey["qrCodeUrl"] == f"/surveys/{survey['code']}/qr.svg"
    assert survey["posterUrl"] == f"/surveys/{survey['code']}/poster.pdf"
    assert [q["key"] for q in survey["questions"]] == ["attitude", "usefulness", "convenience"]
    assert survey["opensAt"].endswith("+08:00")
    # And the audit trail names the window and the project
    entry = await AuditEntry.filter(action="openSatisfactionSurvey").order_by("-id").first()
    assert entry is not None
    assert f"Project:{project.id}" in entry.subject_ids


async def test_the_projects_publisher_may_open_a_window_another_publisher_may_not(gql) -> None:
    project = await project_in_delivery()
    other = await factories.publisher()
    refused = await open_window(
        gql, project, await token_for(Role.PUBLISHER, publisher_id=other.id)
    )
    assert [c for c, _ in codes(refused)] == ["FORBIDDEN"]
    own = await token_for(Role.PUBLISHER, publisher_id=project.publisher_id)
    assert (await open_window(gql, project, own))["errors"] == []


async def test_nobody_signed_in_and_organizations_cannot_open_a_window(gql) -> None:
    project = await project_in_delivery()
    assert [c for c, _ in codes(await open_window(gql, project, None))] == ["UNAUTHENTICATED"]
    organization = await factories.organization()
    token = await token_for(Role.ORGANIZATION, organization_id=organization.id)
    assert [c for c, _ in codes(await open_window(gql, project, token))] == ["FORBIDDEN"]
    assert not await SatisfactionSurvey.filter(project_id=project.id).exists()


async def test_a_project_not_in_delivery_cannot_be_surveyed(gql, organizer) -> None:
    fair = await factories.fair()
    project = await factories.project(fair, status=ProjectStatus.PUBLISHED)
    payload = await open_window(gql, project, organizer)
    assert codes(payload) == [("INVALID_STATE", ["project"])]
    assert "实施中" in payload["errors"][0]["message"]


@pytest.mark.parametrize(
    ("closes_in", "field"),
    [(timedelta(hours=-1), ["closesAt"]), (timedelta(days=93), ["closesAt"])],
    ids=["in-the-past", "longer-than-92-days"],
)
async def test_a_window_must_close_in_the_future_and_within_92_days(
    gql, organizer, closes_in, field
) -> None:
    project = await project_in_delivery()
    variables = {
        "project": to_global_id("Project", project.id),
        "closesAt": (factories.now() + closes_in).isoformat(),
    }
    payload = (await gql(OPEN, variables, organizer))["data"]["openSatisfactionSurvey"]
    assert codes(payload) == [("INVALID_INPUT", field)]


async def test_a_second_window_waits_until_the_first_has_closed(gql, organizer) -> None:
    # Given a project with an open window
    project = await project_in_delivery()
    first = await open_window(gql, project, organizer)
    # When another is opened, it is refused
    again = await open_window(gql, project, organizer)
    assert codes(again) == [("INVALID_STATE", ["project"])]
    # And once the first is closed, a new one opens
    closed = (await gql(CLOSE, {"survey": first["survey"]["id"]}, organizer))["data"]
    assert closed["closeSatisfactionSurvey"]["survey"]["isOpen"] is False
    assert (await open_window(gql, project, organizer))["errors"] == []
    # And closing the closed one again says it has closed
    twice = (await gql(CLOSE, {"survey": first["survey"]["id"]}, organizer))["data"]
    assert codes(twice["closeSatisfactionSurvey"]) == [("SURVEY_CLOSED", ["survey"])]


async def test_simultaneous_openings_open_one_window(gql) -> None:
    # Given a project in delivery and eight organizers
    project = await project_in_delivery()
    tokens = [await token_for(Role.ORGANIZER) for _ in range(8)]
    # When all open a window at once
    results = await asyncio.gather(*(open_window(gql, project, t) for t in tokens))
    # Then exactly one opens it, the others are told a window is open
    assert sum(1 for r in results if not r["errors"]) == 1
    assert {c for r in results for c, _ in codes(r)} == {"INVALID_STATE"}
    assert await SatisfactionSurvey.filter(project_id=project.id).count() == 1


# --- answering ------------------------------------------------------------------------------


async def test_a_resident_reads_the_survey_and_answers_without_an_account(gql) -> None:
    # Given an open window
    project, code = await surveyed_project(gql)
    # When a resident opens the link (lower case typed by hand) and answers
    read = (await gql(SURVEY, {"code": code.lower()}))["data"]["satisfactionSurvey"]
    assert read["isOpen"] is True
    assert read["project"]["title"] == project.title
    payload = await submit(gql, code, answer(4, comment="服务很好，希望继续。"))
    # Then the answer is stored, its comment waiting for moderation
    assert payload == {"accepted": True, "commentPending": True, "errors": []}
    stored = await SurveyAnswer.get(survey_id=(await window_of(project)).id)
    assert (stored.overall, stored.comment_status) == (4, "PENDING")


async def test_an_unknown_code_reads_nothing_and_answers_nothing(gql) -> None:
    assert (await gql(SURVEY, {"code": "NOSUCH23"}))["data"]["satisfactionSurvey"] is None
    payload = await submit(gql, "NOSUCH23", answer())
    assert codes(payload) == [("NOT_FOUND", ["code"])]
    assert codes(await submit(gql, "X" * 200, answer())) == [("NOT_FOUND", ["code"])]


async def test_one_answer_per_device(gql) -> None:
    project, code = await surveyed_project(gql)
    token = device()
    assert (await submit(gql, code, answer(token=token)))["accepted"] is True
    again = await submit(gql, code, answer(1, token=token))
    assert codes(again) == [("ALREADY_ANSWERED", ["input"])]
    assert "已经提交过" in again["errors"][0]["message"]
    assert await SurveyAnswer.filter(survey_id=(await window_of(project)).id).count() == 1


async def test_one_answer_per_phone_number_which_is_never_stored(gql) -> None:
    # Given a resident who answered with a phone number
    project, code = await surveyed_project(gql)
    assert (await submit(gql, code, answer(phone="138 0013 8000")))["accepted"] is True
    # When the same number answers from another device, written another way
    again = await submit(gql, code, answer(phone="+8613800138000"))
    # Then it is refused, and the number itself appears nowhere in the row
    assert codes(again) == [("ALREADY_ANSWERED", ["input"])]
    stored = await SurveyAnswer.get(survey_id=(await window_of(project)).id)
    assert stored.phone_hash is not None and len(stored.phone_hash) == 64
    assert "13800138000" not in str(stored.__dict__)


async def test_simultaneous_answers_from_one_device_store_exactly_one(gql) -> None:
    # Given an open window and a resident tapping "submit" ten times at once
    project, code = await surveyed_project(gql)
    token = device()
    results = await asyncio.gather(*(submit(gql, code, answer(token=token)) for _ in range(10)))
    # Then one answer is stored and every other attempt is told it already answered
    assert sum(1 for r in results if r["accepted"]) == 1
    assert {c for r in results for c, _ in codes(r)} == {"ALREADY_ANSWERED"}
    assert await SurveyAnswer.filter(survey_id=(await window_of(project)).id).count() == 1


async def test_a_closed_window_refuses_answers_in_chinese(gql, organizer) -> None:
    # Given a window closed early
    project, code = await surveyed_project(gql)
    survey = await window_of(project)
    await gql(CLOSE, {"survey": to_global_id("SatisfactionSurvey", survey.id)}, organizer)
    # When a resident answers
    payload = await submit(gql, code, answer())
    # Then the answer is refused, saying the survey has ended
    assert codes(payload) == [("SURVEY_CLOSED", ["code"])]
    assert "已于" in payload["errors"][0]["message"] and "结束" in payload["errors"][0]["message"]
    assert not await SurveyAnswer.filter(survey_id=survey.id).exists()


async def test_a_window_not_yet_open_refuses_answers(gql, organizer) -> None:
    project = await project_in_delivery()
    variables = {
        "project": to_global_id("Project", project.id),
        "opensAt": (factories.now() + timedelta(days=1)).isoformat(),
        "closesAt": (factories.now() + timedelta(days=8)).isoformat(),
    }
    opened = (await gql(OPEN, variables, organizer))["data"]["openSatisfactionSurvey"]
    assert opened["survey"]["isOpen"] is False
    payload = await submit(gql, opened["survey"]["code"], answer())
    assert codes(payload) == [("SURVEY_CLOSED", ["code"])]
    assert "尚未开始" in payload["errors"][0]["message"]


async def test_a_terminated_project_takes_no_more_answers(gql) -> None:
    project, code = await surveyed_project(gql)
    await Project.filter(id=project.id).update(status=ProjectStatus.TERMINATED)
    assert codes(await submit(gql, code, answer())) == [("SURVEY_CLOSED", ["code"])]


async def test_every_bad_input_is_reported_at_its_field_and_nothing_is_stored(gql) -> None:
    # Given an open window
    project, code = await surveyed_project(gql)
    # When an answer breaks every rule at once
    given = {
        "deviceToken": "short",
        "overall": 6,
        "answers": [
            {"question": "attitude", "score": 0},
            {"question": "attitude", "score": 3},
            {"question": "nonsense", "score": 3},
        ],
        "phone": "12345",
        "comment": "长" * 501,
    }
    payload = await submit(gql, code, given)
    # Then each problem is named at its field, in Chinese, and nothing is stored
    fields = [tuple(f) for _, f in codes(payload)]
    assert ("input", "deviceToken") in fields
    assert ("input", "phone") in fields
    assert ("input", "overall") in fields
    assert ("input", "answers", "0") in fields
    assert ("input", "answers", "1") in fields
    assert ("input", "answers", "2") in fields
    assert ("input", "comment") in fields
    assert fields.count(("input", "answers")) == 2  # usefulness and convenience unanswered
    assert {c for c, _ in codes(payload)} == {"INVALID_INPUT"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in payload["errors"])
    assert not await SurveyAnswer.filter(survey_id=(await window_of(project)).id).exists()


async def test_the_short_link_sends_the_phone_to_the_residents_page(client, gql) -> None:
    _, code = await surveyed_project(gql)
    response = await client.get(f"/s/{code.lower()}", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == f"/#/s/{code}"


async def test_the_qr_code_and_the_a4_poster_are_served(client, gql) -> None:
    # Given an open window
    _, code = await surveyed_project(gql)
    # When its QR code and poster are downloaded
    svg = await client.get(f"/surveys/{code}/qr.svg")
    pdf = await client.get(f"/surveys/{code}/poster.pdf")
    # Then the QR code is an SVG naming the short link, and the poster a one-page A4 PDF
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert f"http://testserver/s/{code}" in svg.text
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf.content
    assert b"STSong-Light" in pdf.content
    assert (await client.get("/surveys/NOSUCH23/poster.pdf")).status_code == 404
