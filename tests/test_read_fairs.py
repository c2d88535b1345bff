"""Fairs, their figures, places and the purchase catalogue, as an anonymous visitor of the fair sees them.

The session's database is shared by every test, so each test builds its own fair,
districts and pool members (see ``tests.factories``) and reads through a filter on them.
"""

from __future__ import annotations

from datetime import timedelta

from api.bidding.models import BidStatus
from api.catalog.models import ServiceClass
from api.projects.models import ProjectStatus
from tests import factories
from tests.read_api import (
    CATALOG_ITEMS,
    DISTRICTS,
    FAIR,
    FAIR_PROJECTS,
    FAIR_STATS,
    FAIRS,
    PUBLISHERS,
    assert_refused,
    gid,
)

# --- fairs ---------------------------------------------------------------------------


async def test_fair_by_edition(gql):
    # Given a closed fair, when it is asked for by edition, then it is found and not open.
    fair = await factories.fair(closed=True)
    result = await gql(FAIR, {"edition": fair.edition})
    assert "errors" not in result
    found = result["data"]["fair"]
    assert (found["edition"], found["name"], found["isOpen"]) == (fair.edition, fair.name, False)
    assert found["id"] == gid("Fair", fair.id)


async def test_unknown_edition_is_null(gql):
    # Given no fair of edition -1, when it is asked for, then the answer is null.
    result = await gql(FAIR, {"edition": -1})
    assert "errors" not in result
    assert result["data"]["fair"] is None


async def test_fair_without_edition_is_the_open_one(gql):
    # Given a closed fair and a fair that has opened this very moment (the latest to
    # open of all fairs in the database),
    await factories.fair(closed=True)
    current = await factories.fair(opened=timedelta(0))
    # when the fair is asked for without an edition,
    result = await gql(FAIR, {})
    # then it is the open one.
    assert "errors" not in result
    assert result["data"]["fair"]["edition"] == current.edition
    assert result["data"]["fair"]["isOpen"] is True


async def test_fairs_lists_every_edition_newest_first(gql):
    # Given an open and a closed fair, when every fair is listed,
    closed = await factories.fair(closed=True)
    opened = await factories.fair()
    result = await gql(FAIRS)
    # then both are there with their state, newest edition first.
    assert "errors" not in result
    fairs = result["data"]["fairs"]
    by_edition = {f["edition"]: f for f in fairs}
    assert by_edition[closed.edition]["isOpen"] is False
    assert by_edition[opened.edition]["isOpen"] is True
    editions = [f["edition"] for f in fairs]
    assert editions == sorted(editions, reverse=True)


async def test_fair_timestamps_carry_an_offset(gql):
    # Given a fair, when its window is read, then both ends are ISO 8601 with an offset.
    fair = await factories.fair()
    found = (await gql(FAIR, {"edition": fair.edition}))["data"]["fair"]
    assert found["opensAt"].endswith("+08:00")
    assert found["closesAt"].endswith("+08:00")


async def test_criteria_and_evaluation_weights_sum_to_100(gql):
    # Given a fair with the default rules, when its criteria are read,
    fair = await factories.fair()
    found = (await gql(FAIR, {"edition": fair.edition}))["data"]["fair"]
    # then review weights sum to 100, and so do evaluation weights, residents' >= 60.
    assert sum(c["weight"] for c in found["criteria"]) == 100
    components = {c["key"]: c["weight"] for c in found["evaluationComponents"]}
    assert sum(components.values()) == 100
    assert components["community"] + components["beneficiary"] >= 60
    assert all(c["name"] for c in found["criteria"])


async def test_stats_count_published_projects_with_exact_sums(gql):
    # Given a fair with published projects in two classes and two districts, one
    # awarded project, and one draft,
    fair = await factories.fair()
    east, west = await factories.district(), await factories.district()
    await factories.project(fair, in_district=east, budget="100000.10")
    await factories.project(fair, in_district=east, budget="49999.90")
    await factories.project(
        fair, in_district=west, budget="12345.67", service_class=ServiceClass.CHILDREN
    )
    awarded = await factories.project(fair, in_district=west, budget="30000.00")
    await factories.award(awarded, await factories.organization(), "28000.50")
    await factories.project(fair, in_district=east, budget="99999.99", status=ProjectStatus.DRAFT)
    # when the fair's figures are read,
    result = await gql(FAIR_STATS, {"edition": fair.edition})
    # then drafts are left out and every sum is an exact two-place string.
    assert "errors" not in result, result.get("errors")
    stats = result["data"]["fair"]["stats"]
    assert stats["projectCount"] == 4
    assert stats["totalBudget"] == "192345.67"
    assert (stats["awardedCount"], stats["awardedBudget"]) == (1, "28000.50")
    by_class = {
        c["serviceClass"]: (c["projectCount"], c["budget"]) for c in stats["byServiceClass"]
    }
    assert by_class == {"ELDERLY": (3, "180000.00"), "CHILDREN": (1, "12345.67")}
    by_district = {d["district"]["name"]: d for d in stats["byDistrict"]}
    assert by_district[east.name]["projectCount"] == 2
    assert by_district[east.name]["budget"] == "150000.00"
    assert by_district[west.name]["projectCount"] == 2
    assert by_district[west.name]["budget"] == "42345.67"


FAIR_LIVE_FIGURES = """
query FairLiveFigures($edition: Int!) {
  fair(edition: $edition) {
    stats {
      paidAmount bidCount
      byStatus { status projectCount }
      byServiceClass { serviceClass awardedCount awardedAmount }
      byDistrict { district { name } awardedCount awardedAmount }
    }
  }
}
"""


async def test_stats_tell_what_the_board_shows_in_one_request(gql):
    # Given a fair with a project claimed, one with a bid and a withdrawn bid, one
    # contracted with its first tranche paid and one awarded in another class,
    fair = await factories.fair()
    east, west = await factories.district(), await factories.district()
    org = await factories.organization()
    claimed = await factories.project(fair, in_district=east, status=ProjectStatus.CLAIMED)
    await factories.bid(claimed, org)
    bidding = await factories.project(fair, in_district=east, status=ProjectStatus.BIDDING)
    await factories.bid(bidding, org)
    await factories.bid(bidding, await factories.organization(), status=BidStatus.WITHDRAWN)
    running = await factories.project(fair, in_district=west)
    await factories.contract(running, org, "80000.00")
    children = await factories.project(fair, in_district=west, service_class=ServiceClass.CHILDREN)
    await factories.award(children, org, "20000.01")
    # when the figures a live board needs are read,
    result = await gql(FAIR_LIVE_FIGURES, {"edition": fair.edition})
    assert "errors" not in result, result.get("errors")
    stats = result["data"]["fair"]["stats"]
    # then the first tranche (50%) is paid, withdrawn bids are not counted,
    assert stats["paidAmount"] == "40000.00"
    assert stats["bidCount"] == 4  # two claims/bids plus the winning bids of two awards
    statuses = {s["status"]: s["projectCount"] for s in stats["byStatus"]}
    assert statuses == {"CLAIMED": 1, "BIDDING": 1, "IN_DELIVERY": 1, "AWARDED": 1}
    # and the money committed is split by class and district exactly.
    by_class = {
        c["serviceClass"]: (c["awardedCount"], c["awardedAmount"]) for c in stats["byServiceClass"]
    }
    assert by_class == {"ELDERLY": (1, "80000.00"), "CHILDREN": (1, "20000.01")}
    by_district = {
        d["district"]["name"]: (d["awardedCount"], d["awardedAmount"]) for d in stats["byDistrict"]
    }
    assert by_district == {east.name: (0, "0.00"), west.name: (2, "100000.01")}


async def test_stats_of_an_empty_fair_are_zero(gql):
    # Given a fair without projects, when its figures are read, then they are zero.
    fair = await factories.fair()
    stats = (await gql(FAIR_STATS, {"edition": fair.edition}))["data"]["fair"]["stats"]
    assert (stats["projectCount"], stats["totalBudget"]) == (0, "0.00")
    assert (stats["awardedCount"], stats["awardedBudget"]) == (0, "0.00")
    assert stats["byServiceClass"] == stats["byDistrict"] == []


async def test_fair_projects_are_only_that_fairs(gql):
    # Given two fairs with a project each, when one fair's projects are read,
    fair, other = await factories.fair(), await factories.fair()
    mine = await factories.project(fair)
    await factories.project(other)
    result = await gql(FAIR_PROJECTS, {"edition": fair.edition, "first": 10})
    # then only its own project is there.
    projects = result["data"]["fair"]["projects"]
    assert [e["node"]["code"] for e in projects["edges"]] == [mine.code]
    assert projects["totalCount"] == 1


# --- places and the catalogue --------------------------------------------------------


async def test_catalog_items_by_service_class(gql):
    # Given catalogue items of two classes, one on the negative list,
    mediation = await factories.catalog_item(ServiceClass.MEDIATION)
    banned = await factories.catalog_item(ServiceClass.MEDIATION, negative_list=True)
    children = await factories.catalog_item(ServiceClass.CHILDREN)
    # when the mediation class is asked for,
    result = await gql(CATALOG_ITEMS, {"serviceClass": "MEDIATION"})
    items = {i["code"]: i for i in result["data"]["catalogItems"]}
    # then only mediation items come back, the negative list marked.
    assert {i["serviceClass"] for i in items.values()} == {"MEDIATION"}
    assert items[mediation.code]["negativeList"] is False
    assert items[banned.code]["negativeList"] is True
    assert children.code not in items


async def test_catalog_items_without_a_class_are_all_items(gql):
    # Given items of two classes, when no class is given, then both are listed.
    a = await factories.catalog_item(ServiceClass.DISABILITY)
    b = await factories.catalog_item(ServiceClass.PARTICIPATION)
    codes = {i["code"] for i in (await gql(CATALOG_ITEMS))["data"]["catalogItems"]}
    assert {a.code, b.code} <= codes


async def test_districts_are_listed(gql):
    # Given a new district, when districts are listed, then it is there with its code.
    place = await factories.district()
    result = await gql(DISTRICTS)
    assert {"id": gid("District", place.id), "name": place.name, "code": place.code} in result[
        "data"
    ]["districts"]


async def test_publishers_of_one_district(gql):
    # Given publishers in two districts, when one district's publishers are asked for,
    here, there = await factories.district(), await factories.district()
    mine = await factories.publisher(here)
    theirs = await factories.publisher(there)
    result = await gql(PUBLISHERS, {"district": gid("District", here.id)})
    # then only that district's publishers come back, with their district.
    publishers = result["data"]["publishers"]
    assert [p["name"] for p in publishers] == [mine.name]
    assert publishers[0]["district"]["name"] == here.name
    assert publishers[0]["kind"] == "COMMUNITY"
    everyone = {p["name"] for p in (await gql(PUBLISHERS))["data"]["publishers"]}
    assert {mine.name, theirs.name} <= everyone


async def test_publishers_of_a_garbage_district_is_refused(gql):
    # Given a garbage district id, when publishers are asked for, then it is refused.
    result = await gql(PUBLISHERS, {"district": "garbage"})
    assert_refused(result)
