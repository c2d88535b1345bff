"""An organization's own claims and bids, for its dashboard: visible to it and to organizers."""

from __future__ import annotations

from api.auth.models import Role
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

ORGANIZATION_BIDS = """
query ($id: ID!) { node(id: $id) { ... on Organization {
  bids(first: 10) { totalCount edges { node { amount status project { code } } } } } } }
"""


async def _organization_with_two_bids():
    fair = await factories.fair()
    org = await factories.organization()
    projects = [await factories.project(fair) for _ in range(2)]
    for project in projects:
        await factories.bid(project, org, amount="50000.00")
    return org, projects


async def _bids_seen_by(gql, org, token):
    result = await gql(ORGANIZATION_BIDS, {"id": to_global_id("Organization", org.id)}, token)
    assert "errors" not in result, result
    return result["data"]["node"]["bids"]


async def test_an_organization_lists_its_own_bids(gql):
    # Given an organization with bids on two projects
    org, projects = await _organization_with_two_bids()
    # When its own account asks for its bids, then both are listed with their projects
    seen = await _bids_seen_by(gql, org, await token_for(Role.ORGANIZATION, organization_id=org.id))
    assert seen["totalCount"] == 2
    assert sorted(e["node"]["project"]["code"] for e in seen["edges"]) == sorted(
        p.code for p in projects
    )
    assert {e["node"]["amount"] for e in seen["edges"]} == {"50000.00"}


async def test_organizers_see_an_organizations_bids(gql):
    org, _ = await _organization_with_two_bids()
    assert (await _bids_seen_by(gql, org, await token_for(Role.ORGANIZER)))["totalCount"] == 2


async def test_nobody_else_sees_an_organizations_bids(gql):
    # Given an organization with bids, when the public or another organization asks,
    # then the list is empty.
    org, _ = await _organization_with_two_bids()
    other = await factories.organization()
    for token in (None, await token_for(Role.ORGANIZATION, organization_id=other.id)):
        seen = await _bids_seen_by(gql, org, token)
        assert seen == {"totalCount": 0, "edges": []}
