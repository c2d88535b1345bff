"""Data boundaries: drafts seen only by their own publisher and the organizers, and
conflicts of interest found on names as people write them and on credit codes."""

from __future__ import annotations

import pytest

from api.auth.models import Role
from api.bidding.models import ReviewScore
from api.organizations.affiliation import names_organization
from api.organizations.models import Organization
from api.projects.models import ProjectStatus
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for
from tests.test_review import codes, competition, even, reviewer, score

PROJECTS = """
query ($fair: ID!) { projects(first: 100, filter: {fair: $fair}) { edges { node { code } } } }
"""
PROJECT = "query ($id: ID!) { project(id: $id) { code status } }"
NODE = "query ($id: ID!) { node(id: $id) { id } }"
DRAFTS = """
query ($fair: ID!) {
  projects(first: 100, filter: {fair: $fair, status: [DRAFT]}) { edges { node { code } } }
}
"""


def gid(kind: str, pk: int) -> str:
    return to_global_id(kind, pk)


def listed(answer: dict) -> set[str]:
    assert "errors" not in answer, answer
    return {edge["node"]["code"] for edge in answer["data"]["projects"]["edges"]}


# --- drafts ------------------------------------------------------------------------------


@pytest.fixture
async def two_publishers_drafts(app: object):
    """A fair with a published project and one draft from each of two publishers."""
    fair = await factories.fair()
    mine, theirs = await factories.publisher(), await factories.publisher()
    published = await factories.project(fair, by_publisher=theirs)
    my_draft = await factories.project(fair, by_publisher=mine, status=ProjectStatus.DRAFT)
    their_draft = await factories.project(fair, by_publisher=theirs, status=ProjectStatus.DRAFT)
    token = await token_for(Role.PUBLISHER, publisher_id=mine.id)
    return fair, token, published, my_draft, their_draft


async def test_a_publisher_lists_its_own_drafts_but_not_another_publishers(
    gql, two_publishers_drafts
):
    fair, token, published, my_draft, _ = two_publishers_drafts
    # When the publisher lists the fair's projects, and asks for drafts only
    everything = listed(await gql(PROJECTS, {"fair": gid("Fair", fair.id)}, token=token))
    drafts = listed(await gql(DRAFTS, {"fair": gid("Fair", fair.id)}, token=token))
    # Then it sees the published project and its own draft, never the other's draft.
    assert everything == {published.code, my_draft.code}
    assert drafts == {my_draft.code}


async def test_a_publisher_cannot_fetch_another_publishers_draft_by_id(gql, two_publishers_drafts):
    _, token, _, my_draft, their_draft = two_publishers_drafts
    for document in (PROJECT, NODE):
        theirs = await gql(document, {"id": gid("Project", their_draft.id)}, token=token)
        mine = await gql(document, {"id": gid("Project", my_draft.id)}, token=token)
        assert next(iter(theirs["data"].values())) is None
        assert next(iter(mine["data"].values())) is not None


async def test_organizers_still_see_every_draft(gql, two_publishers_drafts):
    fair, _, published, my_draft, their_draft = two_publishers_drafts
    organizer = await token_for(Role.ORGANIZER)
    seen = listed(await gql(PROJECTS, {"fair": gid("Fair", fair.id)}, token=organizer))
    assert seen == {published.code, my_draft.code, their_draft.code}


# --- conflicts of interest ------------------------------------------------------------

BIDDER = "浦口区福寿社会工作协会"
CODE = "52320111MJ5604123X"

# (affiliation as written, whether it names BIDDER); near misses both ways.
NEAR_MISSES = [
    ("浦口区福寿社会工作协会（督导部）", True),  # the attack run's example
    ("浦口区福寿社会工作协会(督导部)", True),
    ("浦口区福寿社会工作协会【培训部】", True),
    ("浦口区福寿社会工作协会督导部", True),  # department appended
    ("南京市浦口区福寿社会工作协会", True),  # city in front
    ("江苏省南京市浦口区福寿社会工作协会", True),
    ("福寿社会工作协会", True),  # district left out
    (" 浦口区 福寿 社会工作协会 ", True),  # spaces
    ("浦口区\u3000福寿社会工作协会（ＰＫ督导部）", True),  # full-width space and letters
    (f"统一社会信用代码 {CODE}", True),  # its credit code
    (f"{CODE.lower()}", True),
    ("浦口区福寿养老服务中心", False),  # same district and stem, another body
    ("鼓楼区社会工作协会", False),
    ("社会工作协会", False),  # a generic ending names nobody
    ("浦口区", False),
    ("南京大学社会学院", False),
    ("52320111MJ5604124Y", False),  # another credit code
]


@pytest.mark.parametrize(("affiliation", "conflicted"), NEAR_MISSES)
def test_near_miss_affiliations_are_judged_as_a_person_would(affiliation, conflicted):
    assert names_organization(affiliation, BIDDER, CODE) is conflicted


@pytest.mark.parametrize(
    "written", ["{name}（督导部）", "南京市{name}", "{name} 项目部", "信用代码：{code}"]
)
async def test_a_reviewer_whose_affiliation_names_the_bidder_loosely_is_refused(gql, written):
    # Given a reviewer whose affiliation is the bidder's name with a department, a city,
    # spaces, or only its credit code
    _, _, (bid,) = await competition()
    bidder = await Organization.get(id=bid.organization_id)
    affiliation = written.format(name=bidder.name, code=bidder.credit_code)
    _, token = await reviewer(affiliation=affiliation)
    # When they score the bid
    payload = await score(gql, bid, token, even(90))
    # Then it is a conflict of interest and nothing is stored.
    assert codes(payload) == [("CONFLICT_OF_INTEREST", ["bid"])]
    assert not await ReviewScore.exists(bid_id=bid.id)
