"""Every query field that returns private data, read by every kind of viewer.

The cast: a competitive project of publisher X with bids from organizations A and B,
organization C with no bid, publisher Y, a reviewer, a supervisor, an organizer and the
public. Bids are seen by organizers, reviewers and the project's own publisher in full,
by an organization only its own; contacts by organizers and the organization itself; the
supervisor's assignment reasons and the audit log by organizers only. Live events name a
bidder to exactly those who may see the bid.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import pytest_asyncio

from api.auth.models import Account, Role
from api.auth.sessions import open_session
from api.live.events import EventKind, FairEvent
from api.live.visibility import sees_organization
from api.projects.models import Procurement
from api.supervisors.models import Assignment
from schema.relay import to_global_id
from tests import factories
from tests.sessions import make_account

PROJECT_BIDS = """
query ($id: ID!) { project(id: $id) { bids(first: 10) { edges { node { organization { id } } } } } }
"""
BID_BY_NODE = """
query ($id: ID!) { node(id: $id) { ... on Bid { amount plan } } }
"""
ORGANIZATION_PRIVATE = """
query ($id: ID!) { node(id: $id) { ... on Organization { contactName contactPhone
  bids(first: 10) { edges { node { id } } } } } }
"""
ASSIGNMENT = """
query ($id: ID!) { project(id: $id) { supervisorAssignment { fit reasons } } }
"""
AUDIT_LOG = "{ auditLog(first: 1) { edges { node { action } } } }"
ME = "{ me { username role } }"

VIEWERS = (
    "public",
    "organization A",
    "organization C",
    "publisher X",
    "publisher Y",
    "reviewer",
    "supervisor",
    "organizer",
)


@dataclass
class Cast:
    project_id: str
    bids: dict[str, str]  # organization letter -> bid id
    organizations: dict[str, str]  # letter -> organization id
    accounts: dict[str, Account | None]
    tokens: dict[str, str | None]
    fair_id: int
    publisher_x: int


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def cast(app) -> Cast:
    fair = await factories.fair()
    x, y = await factories.publisher(), await factories.publisher()
    project = await factories.project(fair, by_publisher=x, procurement=Procurement.COMPETITIVE)
    orgs = {letter: await factories.organization(index=False) for letter in "ABC"}
    bids = {k: await factories.bid(project, orgs[k]) for k in "AB"}
    person = await factories.supervisor()
    # An assignment with its reasons (as on an awarded project), to see who may read them.
    await Assignment.create(
        project=project,
        supervisor=person,
        assigned_at=factories.now(),
        fit=3.0,
        reasons=["专长对口"],
    )
    accounts: dict[str, Account | None] = {
        "public": None,
        "organization A": await make_account(Role.ORGANIZATION, organization_id=orgs["A"].id),
        "organization C": await make_account(Role.ORGANIZATION, organization_id=orgs["C"].id),
        "publisher X": await make_account(Role.PUBLISHER, publisher_id=x.id),
        "publisher Y": await make_account(Role.PUBLISHER, publisher_id=y.id),
        "reviewer": await make_account(Role.REVIEWER, supervisor_id=person.id),
        "supervisor": await make_account(Role.SUPERVISOR, supervisor_id=person.id),
        "organizer": await make_account(Role.ORGANIZER),
    }
    tokens = {k: (await open_session(a) if a else None) for k, a in accounts.items()}
    return Cast(
        project_id=to_global_id("Project", project.id),
        bids={k: to_global_id("Bid", b.id) for k, b in bids.items()},
        organizations={k: to_global_id("Organization", o.id) for k, o in orgs.items()},
        accounts=accounts,
        tokens=tokens,
        fair_id=fair.id,
        publisher_x=x.id,
    )


SEES_ALL_BIDS = {"publisher X", "reviewer", "organizer"}


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_the_bids_of_a_project_by_viewer(gql, cast, viewer):
    result = await gql(PROJECT_BIDS, {"id": cast.project_id}, token=cast.tokens[viewer])
    seen = {e["node"]["organization"]["id"] for e in result["data"]["project"]["bids"]["edges"]}
    if viewer in SEES_ALL_BIDS:
        expected = {cast.organizations["A"], cast.organizations["B"]}
    elif viewer == "organization A":
        expected = {cast.organizations["A"]}
    else:
        expected = set()
    assert seen == expected


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_a_bid_fetched_by_its_id_by_viewer(gql, cast, viewer):
    # A's bid asked for directly by its global id: no way around the rule.
    result = await gql(BID_BY_NODE, {"id": cast.bids["A"]}, token=cast.tokens[viewer])
    visible = result["data"]["node"] is not None
    assert visible == (viewer in SEES_ALL_BIDS | {"organization A"})


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_an_organizations_contacts_and_bids_by_viewer(gql, cast, viewer):
    result = await gql(
        ORGANIZATION_PRIVATE, {"id": cast.organizations["A"]}, token=cast.tokens[viewer]
    )
    node = result["data"]["node"]
    allowed = viewer in ("organizer", "organization A")
    assert (node["contactPhone"] is not None) == allowed
    assert (node["contactName"] is not None) == allowed
    assert (len(node["bids"]["edges"]) == 1) == allowed
    if not allowed:
        assert node["bids"]["edges"] == []


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_the_audit_log_by_viewer(gql, cast, viewer):
    result = await gql(AUDIT_LOG, token=cast.tokens[viewer])
    if viewer == "organizer":
        assert "errors" not in result
        return
    assert result["data"] is None
    expected = "UNAUTHENTICATED" if viewer == "public" else "FORBIDDEN"
    assert result["errors"][0]["extensions"]["code"] == expected


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_the_supervisor_assignment_reasons_by_viewer(gql, cast, viewer):
    result = await gql(ASSIGNMENT, {"id": cast.project_id}, token=cast.tokens[viewer])
    assignment = result["data"]["project"]["supervisorAssignment"]
    if viewer == "organizer":
        assert assignment == {"fit": 3.0, "reasons": ["专长对口"]}
    else:
        assert assignment is None


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_me_is_only_ever_oneself(gql, cast, viewer):
    result = await gql(ME, token=cast.tokens[viewer])
    account = cast.accounts[viewer]
    if account is None:
        assert result["data"]["me"] is None
    else:
        assert result["data"]["me"]["username"] == account.username


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("kind", list(EventKind))
def test_who_hears_which_organization_in_live_events(cast, viewer, kind):
    # Given an event of A on X's project,
    event = FairEvent.about(kind, _project_of(cast), organization_id=_pk(cast.organizations["A"]))
    # the bidder behind a claim, bid or withdrawal is told only to those who see the bid;
    # awards, assignments, evaluations and payments are public acts.
    sees = sees_organization(cast.accounts[viewer], event)
    if kind in (EventKind.CLAIMED, EventKind.BID, EventKind.WITHDRAWN):
        assert sees == (viewer in SEES_ALL_BIDS | {"organization A"})
    else:
        assert sees


class _ProjectStub:
    def __init__(self, cast: Cast) -> None:
        self.id, self.fair_id, self.publisher_id = (
            _pk(cast.project_id),
            cast.fair_id,
            cast.publisher_x,
        )


def _project_of(cast: Cast) -> _ProjectStub:
    return _ProjectStub(cast)


def _pk(global_id: str) -> int:
    from schema.relay import parse_global_id

    return parse_global_id(global_id)[1]
