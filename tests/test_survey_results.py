"""What residents said: the figures after the threshold, moderated comments, and the
survey's score as the beneficiary component of an evaluation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from graphql import FieldNode, NameNode

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.contracts.models import Evaluation
from api.fairs.models import Fair
from api.ratelimit import parse_limits
from api.settings import Settings
from api.surveys.aggregate import to_score
from schema.ratelimit import RateLimitPolicy
from schema.relay import pk_of, to_global_id
from tests import factories
from tests.sessions import token_for
from tests.survey_support import (
    MODERATE,
    SUBMIT,
    answer,
    codes,
    open_window,
    project_in_delivery,
    satisfaction,
    submit,
    surveyed_project,
)
from tests.test_live import subscribe
from tests.test_rate_limits import limited_app, limited_settings, new_ip, refused

EVALUATE = """
mutation Evaluate($project: ID!, $scores: [EvaluationScoreInput!]!, $reason: String) {
  recordEvaluation(project: $project, stage: MIDTERM, scores: $scores, beneficiaryOverrideReason: $reason) {
    evaluation { score passed } errors { code field message }
  }
}
"""


@pytest.fixture
async def organizer(app) -> str:
    return await token_for(Role.ORGANIZER)


def marks(beneficiary: float) -> list[dict[str, object]]:
    scores = {"community": 80, "beneficiary": beneficiary, "third_party": 80, "finance": 80}
    return [{"component": k, "score": v} for k, v in scores.items()]


async def evaluate(gql, project, beneficiary: float, token: str, reason: str | None = None):
    variables = {
        "project": to_global_id("Project", project.id),
        "scores": marks(beneficiary),
        "reason": reason,
    }
    return (await gql(EVALUATE, variables, token))["data"]["recordEvaluation"]


async def test_figures_stay_hidden_until_the_threshold_then_show(gql) -> None:
    # Given a window that shows figures from 3 answers
    project, code = await surveyed_project(gql, min_answers=3)
    await submit(gql, code, answer(5, (5, 5, 4)))
    await submit(gql, code, answer(4, (4, 3, 4)))
    # When two residents have answered, only the count is known
    below = await satisfaction(gql, project)
    assert below is not None
    assert (below["count"], below["minAnswers"], below["shown"]) == (2, 3, False)
    assert below["mean"] is None and below["distribution"] is None and below["score"] is None
    assert below["questions"] is None
    # When the third answers, the figures appear
    await submit(gql, code, answer(2, (3, 2, 5)))
    shown = await satisfaction(gql, project)
    assert shown is not None
    assert shown["shown"] is True
    assert shown["distribution"] == [0, 1, 0, 1, 1]
    assert shown["mean"] == pytest.approx(3.67)
    assert shown["score"] == to_score(11 / 3) == 66.7
    assert {q["key"]: q["mean"] for q in shown["questions"]} == {
        "attitude": 4.0,
        "usefulness": pytest.approx(3.33),
        "convenience": pytest.approx(4.33),
    }


async def test_a_project_never_surveyed_has_no_satisfaction(gql) -> None:
    project = await factories.project(await factories.fair())
    assert await satisfaction(gql, project) is None


async def test_the_link_is_shown_to_those_who_run_the_survey_not_to_every_visitor(gql) -> None:
    project, code = await surveyed_project(gql)
    public = await satisfaction(gql, project)
    assert public is not None and public["window"] == {"code": None, "link": None, "isOpen": True}
    publisher = await token_for(Role.PUBLISHER, publisher_id=project.publisher_id)
    own = await satisfaction(gql, project, publisher)
    assert own is not None and own["window"]["code"] == code


async def test_comments_are_public_only_once_moderated(gql) -> None:
    # Given three answers past the threshold, two with comments
    project, code = await surveyed_project(gql, min_answers=3)
    await submit(gql, code, answer(comment="老人们很喜欢每周的活动。"))
    await submit(gql, code, answer(comment="联系电话 13800138000 找我"))
    await submit(gql, code, answer())
    publisher = await token_for(Role.PUBLISHER, publisher_id=project.publisher_id)
    # Then visitors see no comment yet, while the publisher sees both, pending
    public = await satisfaction(gql, project)
    assert public is not None and public["comments"] == []
    managed = await satisfaction(gql, project, publisher)
    assert managed is not None
    assert [c["status"] for c in managed["comments"]] == ["PENDING", "PENDING"]
    by_text = {c["text"]: c["id"] for c in managed["comments"]}
    # When the publisher approves one and rejects the other
    approve = {"comment": by_text["老人们很喜欢每周的活动。"], "approve": True}
    reject = {"comment": by_text["联系电话 13800138000 找我"], "approve": False}
    approved = (await gql(MODERATE, approve, publisher))["data"]["moderateSatisfactionComment"]
    rejected = (await gql(MODERATE, reject, publisher))["data"]["moderateSatisfactionComment"]
    assert approved["comment"]["status"] == "APPROVED" and rejected["errors"] == []
    # Then visitors see the approved one only, and both decisions are in the audit trail
    public = await satisfaction(gql, project)
    assert public is not None
    assert [c["text"] for c in public["comments"]] == ["老人们很喜欢每周的活动。"]
    actions = await AuditEntry.filter(action="moderateSatisfactionComment").order_by("-id").limit(2)
    assert sorted(e.detail["status"] for e in actions) == ["APPROVED", "REJECTED"]


async def test_only_the_organizer_or_the_projects_publisher_moderates(gql) -> None:
    project, code = await surveyed_project(gql)
    await submit(gql, code, answer(comment="很好"))
    managed = await satisfaction(gql, project, await token_for(Role.ORGANIZER))
    assert managed is not None
    comment = managed["comments"][0]["id"]
    other = await token_for(Role.PUBLISHER, publisher_id=(await factories.publisher()).id)
    for token, code_ in ((other, "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        payload = (await gql(MODERATE, {"comment": comment, "approve": True}, token))["data"]
        assert [c for c, _ in codes(payload["moderateSatisfactionComment"])] == [code_]
    bad = {"comment": to_global_id("SurveyComment", 2**31 - 1), "approve": True}
    payload = (await gql(MODERATE, bad, other))["data"]["moderateSatisfactionComment"]
    assert codes(payload) == [("NOT_FOUND", ["comment"])]


async def test_the_evaluation_takes_the_survey_score_or_a_reason_to_differ(gql, organizer) -> None:
    # Given a survey past its threshold: marks 5, 4, 4 → mean 4.33 → score 83.3
    project, code = await surveyed_project(gql, min_answers=3)
    for overall in (5, 4, 4):
        await submit(gql, code, answer(overall))
    figures = await satisfaction(gql, project)
    assert figures is not None and figures["score"] == 83.3
    # When the organizer enters another beneficiary mark without a reason, it is refused
    refused = await evaluate(gql, project, 95, organizer)
    assert codes(refused) == [("INVALID_INPUT", ["beneficiaryOverrideReason"])]
    assert "83.3" in refused["errors"][0]["message"]
    assert not await Evaluation.filter(project_id=project.id).exists()
    # When the organizer gives a reason, the override is recorded and audited
    reason = "入户回访 40 位老人，满意度高于扫码答卷。"
    recorded = await evaluate(gql, project, 95, organizer, reason)
    assert recorded["errors"] == [] and recorded["evaluation"]["passed"] is True
    entry = await AuditEntry.filter(action="recordEvaluation").order_by("-id").first()
    assert entry is not None
    assert entry.detail["beneficiarySurvey"] == {
        "survey": code,
        "answers": 3,
        "surveyScore": 83.3,
        "entered": 95.0,
        "overridden": True,
        "reason": reason,
    }


async def test_confirming_the_survey_score_needs_no_reason(gql, organizer) -> None:
    project, code = await surveyed_project(gql, min_answers=3)
    for overall in (5, 5, 3):
        await submit(gql, code, answer(overall))
    payload = await evaluate(gql, project, 83.3, organizer)
    assert payload["errors"] == []
    entry = await AuditEntry.filter(action="recordEvaluation").order_by("-id").first()
    assert entry is not None and entry.detail["beneficiarySurvey"]["overridden"] is False


async def test_below_the_threshold_the_organizer_enters_the_mark_freely(gql, organizer) -> None:
    project, code = await surveyed_project(gql, min_answers=3)
    await submit(gql, code, answer(1))
    payload = await evaluate(gql, project, 90, organizer)
    assert payload["errors"] == []
    entry = await AuditEntry.filter(action="recordEvaluation").order_by("-id").first()
    assert entry is not None and "beneficiarySurvey" not in entry.detail


def test_answers_count_against_their_own_limit_per_address() -> None:
    # Given the default limits
    policy = RateLimitPolicy(Settings())

    fields = [
        FieldNode(name=NameNode(value=n)) for n in ("submitSatisfactionSurvey", "claimProject")
    ]
    # When one request holds an answer and another mutation
    hits = policy.hits(fields, {}, "10.0.0.1", None)
    # Then the answer counts in the survey bucket of the address, the other as a mutation
    by_key = {hit.key: (hit.limits, hit.cost) for hit in hits}
    assert by_key[("survey", "10.0.0.1")] == (parse_limits("30/minute; 300/day"), 1)
    assert by_key[("mutation", "ip:10.0.0.1")][1] == 1


FAIR_SETTINGS = """
mutation CreateFair($input: FairInput!) {
  createFair(input: $input) {
    fair { id surveyMinAnswers surveyQuestions { key text } }
    errors { code field message }
  }
}
"""


def fair_input(**survey: object) -> dict[str, object]:
    now = factories.now()
    return {
        "edition": factories.edition(),
        "name": "第八届社洽会",
        "opensAt": (now - timedelta(days=1)).isoformat(),
        "closesAt": (now + timedelta(days=30)).isoformat(),
        **survey,
    }


async def test_a_fair_sets_its_survey_questions_and_threshold(gql, organizer) -> None:
    # Given a fair created with four questions and a threshold of 20
    questions = [
        {"key": "on_time", "text": "社工是否按时到达？"},
        {"key": "respect", "text": "您是否感到被尊重？"},
        {"key": "useful", "text": "服务是否解决了您的困难？"},
        {"key": "again", "text": "您愿意再次参加吗？"},
    ]
    payload = (
        await gql(
            FAIR_SETTINGS,
            {"input": fair_input(surveyQuestions=questions, surveyMinAnswers=20)},
            organizer,
        )
    )["data"]["createFair"]
    assert payload["errors"] == []
    assert payload["fair"]["surveyMinAnswers"] == 20
    assert payload["fair"]["surveyQuestions"] == questions
    # When a survey of one of its projects opens, the window asks those questions

    fair = await Fair.get(id=pk_of(payload["fair"]["id"], "Fair"))
    project = await factories.project(fair)
    await factories.contract(project, await factories.organization())

    opened = await open_window(gql, project, organizer)
    assert [q["key"] for q in opened["survey"]["questions"]] == [q["key"] for q in questions]
    assert opened["survey"]["minAnswers"] == 20


async def test_a_fairs_survey_settings_are_checked(gql, organizer) -> None:
    two = [{"key": "a", "text": "问题一"}, {"key": "a", "text": ""}]
    given = fair_input(surveyQuestions=two, surveyMinAnswers=1)
    payload = (await gql(FAIR_SETTINGS, {"input": given}, organizer))["data"]["createFair"]
    assert sorted(tuple(f) for _, f in codes(payload)) == [
        ("input", "surveyMinAnswers"),
        ("input", "surveyQuestions"),
        ("input", "surveyQuestions", "1", "key"),
        ("input", "surveyQuestions", "1", "text"),
    ]
    assert {c for c, _ in codes(payload)} == {"INVALID_INPUT"}


async def test_answers_from_one_address_are_limited_apart_from_other_mutations(gql) -> None:
    # Given an open survey and a rate-limited app allowing 3 answers a day per address

    _, code = await surveyed_project(gql)
    settings = limited_settings(rate_limit_survey="3/day", rate_limit_mutations="1/day")
    async with limited_app(settings) as client:
        ip = new_ip()
        async with client(ip) as c:
            # When four residents behind one address answer
            responses = [await c.post(SUBMIT, {"code": code, "input": answer()}) for _ in range(4)]
            # Then three answers are taken, although the mutation limit is 1, and the
            # fourth is refused with 429 before it runs
            for response in responses[:3]:
                assert response.json()["data"]["submitSatisfactionSurvey"]["accepted"] is True
            refused(responses[3])
        async with client(new_ip()) as other:
            # And another address still answers
            response = await other.post(SUBMIT, {"code": code, "input": answer()})
            assert response.json()["data"]["submitSatisfactionSurvey"]["accepted"] is True


async def test_opening_a_survey_is_announced_live(gql, organizer) -> None:
    # Given a subscriber to the fair of a project in delivery
    project = await project_in_delivery()
    public = await subscribe(project.fair_id)
    # When a survey window opens, the fair's live feed says so
    assert (await open_window(gql, project, organizer))["errors"] == []
    event = await public.next()
    assert event["kind"] == "SURVEY_OPENED"
    assert event["project"]["id"] == to_global_id("Project", project.id)
