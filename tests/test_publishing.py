"""Publishing project lists: every row checked, every bad row reported, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from api.audit.models import AuditEntry
from api.projects.models import Procurement, Project, ProjectStatus, ProjectType
from schema.relay import to_global_id
from tests import factories
from tests.publishing_support import (  # fixtures among them are used by name
    PUBLISH,
    UPDATE_FAIR,
    gid,
    organizer,
    project_row,
    publish,
    publish_one,
    refusals,
    stage,
    stored,
)

# --- publishing -----------------------------------------------------------------------------


async def test_organizer_publishes_a_list(gql, organizer, stage):
    # Given two valid rows
    rows = [project_row(stage), project_row(stage, procurement="COMPETITIVE", keySupport=True)]
    # When the organizer publishes them
    payload = await publish(gql, organizer, stage.fair, rows)
    # Then both are PUBLISHED, in the list's order, with the publication time set
    assert payload["errors"] == []
    assert [p["code"] for p in payload["projects"]] == [r["code"] for r in rows]
    assert {p["status"] for p in payload["projects"]} == {"PUBLISHED"}
    assert [p["keySupport"] for p in payload["projects"]] == [False, True]
    assert all(p["publishedAt"] for p in payload["projects"])
    first = await Project.get(fair_id=stage.fair.id, code=rows[0]["code"])
    assert first.status is ProjectStatus.PUBLISHED
    assert first.procurement is Procurement.DIRECT
    assert first.project_type is ProjectType.PUBLIC_WELFARE
    assert first.budget == Decimal("80000.00")
    assert first.catalog_item_id == stage.elderly.id
    assert first.community_opinion == rows[0]["communityOpinion"]


async def test_publication_is_audited_with_every_project(gql, organizer, stage):
    rows = [project_row(stage) for _ in range(3)]
    await publish(gql, organizer, stage.fair, rows)
    ids = (
        await Project.filter(code__in=[r["code"] for r in rows])
        .order_by("id")
        .values_list("id", flat=True)
    )
    entry = await AuditEntry.filter(action="publishProjects").order_by("-id").first()
    assert entry is not None
    assert sorted(entry.subject_ids) == sorted(f"Project:{pk}" for pk in ids)
    assert entry.detail["count"] == 3 and entry.detail["budget"] == "240000.00"


async def test_three_bad_rows_among_ten_are_reported_and_nothing_is_written(gql, organizer, stage):
    # Given ten rows of which rows 2, 5 and 8 are wrong in different ways
    rows = [project_row(stage) for _ in range(10)]
    rows[2]["budget"] = "0.00"
    rows[5]["catalogItem"] = stage.banned.code
    rows[8]["district"] = gid(stage.away)
    # When the list is published
    payload = await publish(gql, organizer, stage.fair, rows)
    # Then exactly those three rows are reported with their fields, and nothing is written
    assert refusals(payload) == [
        ("INVALID_INPUT", ["projects", "2", "budget"]),
        ("INVALID_INPUT", ["projects", "5", "catalogItem"]),
        ("INVALID_INPUT", ["projects", "8", "district"]),
    ]
    assert payload["projects"] == []
    assert await stored(rows) == 0


async def test_every_problem_of_one_row_is_reported(gql, organizer, stage):
    row = project_row(
        stage,
        code=" ",
        title="",
        budget="-1.00",
        servicePeriodMonths=0,
        minSocialWorkers=-1,
        catalogItem="NO-SUCH-ITEM",
        communityOpinion=None,
    )
    payload = await publish(gql, organizer, stage.fair, [row])
    assert refusals(payload) == [
        ("INVALID_INPUT", ["projects", "0", "code"]),
        ("INVALID_INPUT", ["projects", "0", "title"]),
        ("INVALID_INPUT", ["projects", "0", "communityOpinion"]),
        ("INVALID_INPUT", ["projects", "0", "budget"]),
        ("INVALID_INPUT", ["projects", "0", "servicePeriodMonths"]),
        ("INVALID_INPUT", ["projects", "0", "minSocialWorkers"]),
        ("NOT_FOUND", ["projects", "0", "catalogItem"]),
    ]


@pytest.mark.parametrize(
    ("budget", "given", "required"),
    [
        ("99999.99", 0, 0),
        ("99999.99", None, 0),
        ("100000.00", 0, 2),
        ("100000.00", None, 2),
        ("100000.00", 1, 2),
        ("150000.00", 3, 3),
    ],
)
async def test_projects_from_100000_need_two_social_workers(
    gql, organizer, stage, budget, given, required
):
    # Given a budget just under or at CNY 100,000 and a stated social-worker need
    payload = await publish_one(gql, organizer, stage, budget=budget, minSocialWorkers=given)
    # Then from 100,000.00 on at least 2 are required whatever was stated
    assert payload["errors"] == []
    assert payload["projects"][0]["minSocialWorkers"] == required


@pytest.mark.parametrize(
    ("budget", "accepted"), [("0.01", True), ("0.00", False), ("-5.00", False)]
)
async def test_budget_must_be_above_zero(gql, organizer, stage, budget, accepted):
    payload = await publish_one(gql, organizer, stage, budget=budget)
    expected = [] if accepted else [("INVALID_INPUT", ["projects", "0", "budget"])]
    assert refusals(payload) == expected


@pytest.mark.parametrize("budget", ["1000.001", 1000.5])
async def test_budget_with_three_decimals_or_as_a_float_is_not_accepted(
    gql, organizer, stage, budget
):
    # Given a budget that is not an exact amount in fen, when it is sent
    row = project_row(stage, budget=budget)
    result = await gql(PUBLISH, {"fair": gid(stage.fair), "projects": [row]}, token=organizer)
    # Then the request is refused before anything runs
    assert result.get("data") is None and result["errors"]
    assert await stored([row]) == 0


@pytest.mark.parametrize(("months", "accepted"), [(1, True), (36, True), (0, False), (37, False)])
async def test_service_period_is_1_to_36_months(gql, organizer, stage, months, accepted):
    payload = await publish_one(gql, organizer, stage, servicePeriodMonths=months)
    expected = [] if accepted else [("INVALID_INPUT", ["projects", "0", "servicePeriodMonths"])]
    assert refusals(payload) == expected


@pytest.mark.parametrize(("length", "accepted"), [(128, True), (129, False)])
async def test_title_is_at_most_128_characters(gql, organizer, stage, length, accepted):
    payload = await publish_one(gql, organizer, stage, title="老" * length)
    expected = [] if accepted else [("INVALID_INPUT", ["projects", "0", "title"])]
    assert refusals(payload) == expected


async def test_project_without_the_communitys_opinion_is_refused(gql, organizer, stage):
    # Given a row without the opinion of the community where it is delivered
    row = project_row(stage, communityOpinion="  ")
    payload = await publish(gql, organizer, stage.fair, [row])
    # Then it cannot be published
    assert refusals(payload) == [("INVALID_INPUT", ["projects", "0", "communityOpinion"])]
    assert await stored([row]) == 0


async def test_code_repeated_in_the_list_is_reported_on_the_later_row(gql, organizer, stage):
    rows = [project_row(stage) for _ in range(3)]
    rows[2]["code"] = rows[0]["code"]
    payload = await publish(gql, organizer, stage.fair, rows)
    assert refusals(payload) == [("INVALID_INPUT", ["projects", "2", "code"])]
    assert "第 1 行" in payload["errors"][0]["message"]
    assert await stored(rows) == 0


async def test_code_already_published_on_the_fair_is_refused(gql, organizer, stage):
    # Given a published project
    first = project_row(stage)
    await publish(gql, organizer, stage.fair, [first])
    # When its code comes again on the same fair
    again = project_row(stage, title="另一个项目", code=first["code"])
    payload = await publish(gql, organizer, stage.fair, [project_row(stage), again])
    # Then that row is refused, and the same code on another fair is fine
    assert refusals(payload) == [("INVALID_INPUT", ["projects", "1", "code"])]
    other = await factories.fair()
    assert (await publish(gql, organizer, other, [again]))["errors"] == []


async def test_item_on_the_negative_list_is_refused(gql, organizer, stage):
    payload = await publish_one(gql, organizer, stage, catalogItem=stage.banned.code)
    assert refusals(payload) == [("INVALID_INPUT", ["projects", "0", "catalogItem"])]
    assert "负面清单" in payload["errors"][0]["message"]


async def test_item_of_another_service_class_is_refused(gql, organizer, stage):
    payload = await publish_one(gql, organizer, stage, catalogItem=stage.children.code)
    assert refusals(payload) == [("INVALID_INPUT", ["projects", "0", "catalogItem"])]


async def test_item_of_the_rows_class_is_accepted(gql, organizer, stage):
    payload = await publish_one(
        gql, organizer, stage, serviceClass="CHILDREN", catalogItem=stage.children.code
    )
    assert payload["errors"] == []


@pytest.mark.parametrize("kind", ["community", "street"])
async def test_community_or_street_publishes_only_in_its_district(gql, organizer, stage, kind):
    publisher = getattr(stage, kind)
    payload = await publish_one(
        gql, organizer, stage, publisher=gid(publisher), district=gid(stage.away)
    )
    assert refusals(payload) == [("INVALID_INPUT", ["projects", "0", "district"])]


async def test_department_publishes_for_any_district(gql, organizer, stage):
    payload = await publish_one(
        gql, organizer, stage, publisher=gid(stage.department), district=gid(stage.away)
    )
    assert payload["errors"] == []
    assert payload["projects"][0]["district"]["id"] == gid(stage.away)


async def test_unknown_publisher_and_district_are_not_found(gql, organizer, stage):
    payload = await publish_one(
        gql,
        organizer,
        stage,
        publisher=to_global_id("Publisher", 2**31),  # beyond any key: names nothing
        district="not-an-id",
    )
    assert refusals(payload) == [
        ("NOT_FOUND", ["projects", "0", "publisher"]),
        ("NOT_FOUND", ["projects", "0", "district"]),
    ]


async def test_funding_split_adding_up_to_the_budget_is_stored(gql, organizer, stage):
    payload = await publish_one(
        gql, organizer, stage, budget="80000.00", cityFunding="40000.00", districtFunding="40000.00"
    )
    assert payload["errors"] == []
    project = payload["projects"][0]
    assert (project["cityFunding"], project["districtFunding"]) == ("40000.00", "40000.00")


async def test_funding_split_one_fen_off_is_refused(gql, organizer, stage):
    payload = await publish_one(
        gql, organizer, stage, budget="80000.00", cityFunding="40000.00", districtFunding="39999.99"
    )
    assert refusals(payload) == [("INVALID_INPUT", ["projects", "0", "cityFunding"])]


async def test_funding_split_needs_both_parts(gql, organizer, stage):
    payload = await publish_one(gql, organizer, stage, cityFunding="80000.00")
    assert refusals(payload) == [("INVALID_INPUT", ["projects", "0", "districtFunding"])]


# --- the fair -------------------------------------------------------------------------------


async def test_closed_fair_takes_no_projects(gql, organizer, stage):
    closed = await factories.fair(closed=True)
    row = project_row(stage)
    payload = await publish(gql, organizer, closed, [row])
    assert refusals(payload) == [("FAIR_CLOSED", ["fair"])]
    assert await stored([row]) == 0


async def test_fair_ended_by_the_organizer_takes_no_more_projects(gql, organizer, stage):
    # Given an open fair that the organizer ends now
    fair = await factories.fair()
    window = {
        "edition": fair.edition,
        "name": fair.name,
        "opensAt": fair.opens_at.isoformat(),
        "closesAt": datetime.now(UTC).isoformat(),
    }
    ended = await gql(UPDATE_FAIR, {"fair": gid(fair), "input": window}, token=organizer)
    assert ended["data"]["updateFair"]["errors"] == []
    # When a list is published on it
    row = project_row(stage)
    payload = await publish(gql, organizer, fair, [row])
    # Then FAIR_CLOSED
    assert refusals(payload) == [("FAIR_CLOSED", ["fair"])]
    assert await stored([row]) == 0


async def test_fair_not_yet_open_takes_projects(gql, organizer, stage):
    # Publishing comes before the fair opens: lists are prepared in advance.
    upcoming = await factories.fair()
    upcoming.opens_at = datetime.now(UTC).replace(year=datetime.now(UTC).year + 1)
    upcoming.closes_at = upcoming.opens_at.replace(month=12, day=31)
    await upcoming.save()
    payload = await publish(gql, organizer, upcoming, [project_row(stage)])
    assert payload["errors"] == []


@pytest.mark.parametrize("pk", [10**9, 2**31])
async def test_unknown_fair_is_not_found(gql, organizer, stage, pk):
    row = project_row(stage)
    payload = await publish(gql, organizer, to_global_id("Fair", pk), [row])
    assert refusals(payload) == [("NOT_FOUND", ["fair"])]
    assert await stored([row]) == 0
