"""The audit log as an organizer reads it: newest first, filtered by action, person and
project, each subject by its title or name rather than an id."""

from __future__ import annotations

from api.audit.log import record
from api.auth.models import Role
from api.supervisors.models import Assignment
from schema.relay import to_global_id
from tests import factories
from tests.sessions import make_account, token_for

AUDIT = """
query ($action: String, $actor: String, $project: ID, $newestFirst: Boolean!, $after: String) {
  auditLog(first: 2, after: $after, action: $action, actor: $actor, project: $project,
           newestFirst: $newestFirst) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { action actor subjects { kind label detail projectId } } }
  }
}
"""


async def given_a_trail():
    """Two projects (ids that share a prefix do not matter) and entries about them."""
    fair = await factories.fair()
    first = await factories.project(fair, title="夕阳红助餐点")
    second = await factories.project(fair, title="四点半课堂")
    organization = await factories.organization(name="启明社工中心")
    expert = await factories.supervisor(name="王督导")
    bid = await factories.bid(first, organization)
    assignment = await Assignment.create(
        project=second, supervisor=expert, fit=3, assigned_at=factories.now()
    )
    actor = await make_account(Role.ORGANIZER)
    await record(actor, "claimProject", [first, bid, organization])
    await record(actor, "assignSupervisors", [assignment, second])
    await record(actor, "awardProject", [first])
    return actor, first, second


async def audit(gql, token, **variables):
    wanted = {"newestFirst": True, **variables}
    result = await gql(AUDIT, wanted, token=token)
    assert "errors" not in result, result
    return result["data"]["auditLog"]


async def test_newest_first_page_by_page(gql):
    # Given three entries by one organizer,
    actor, _, _ = await given_a_trail()
    token = await token_for(Role.ORGANIZER)
    # when the organizer reads that person's entries newest first, two per page,
    page = await audit(gql, token, actor=actor.username)
    rest = await audit(gql, token, actor=actor.username, after=page["pageInfo"]["endCursor"])
    # then the last action comes first and the pages continue back in time.
    actions = [e["node"]["action"] for e in page["edges"] + rest["edges"]]
    assert actions == ["awardProject", "assignSupervisors", "claimProject"]
    assert page["totalCount"] == 3
    assert not rest["pageInfo"]["hasNextPage"]
    # Oldest first stays the default for existing clients.
    oldest = await audit(gql, token, actor=actor.username, newestFirst=False)
    assert oldest["edges"][0]["node"]["action"] == "claimProject"


async def test_filters_by_action_and_project(gql):
    actor, _, second = await given_a_trail()
    token = await token_for(Role.ORGANIZER)
    # When filtered by action, only that action is listed;
    claims = await audit(gql, token, actor=actor.username, action="claimProject")
    assert [e["node"]["action"] for e in claims["edges"]] == ["claimProject"]
    # when filtered by project, only the entries naming that project.
    about = await audit(gql, token, project=to_global_id("Project", second.id))
    assert [e["node"]["action"] for e in about["edges"]] == ["assignSupervisors"]
    assert about["totalCount"] == 1


async def test_subjects_are_named_not_numbered(gql):
    actor, first, second = await given_a_trail()
    token = await token_for(Role.ORGANIZER)
    page = await audit(gql, token, actor=actor.username, newestFirst=False)
    claim, assignment = (e["node"]["subjects"] for e in page["edges"])
    # Then a claim names its project, the bid's organization and project, the organization;
    assert claim == [
        {"kind": "Project", "label": "夕阳红助餐点", "detail": None,
         "projectId": to_global_id("Project", first.id)},
        {"kind": "Bid", "label": "夕阳红助餐点", "detail": "启明社工中心",
         "projectId": to_global_id("Project", first.id)},
        {"kind": "Organization", "label": "启明社工中心", "detail": None, "projectId": None},
    ]
    # and a supervisor assignment names the project and the supervisor.
    assert assignment[0] == {
        "kind": "Assignment", "label": "四点半课堂", "detail": "王督导",
        "projectId": to_global_id("Project", second.id),
    }


async def test_a_filter_on_something_that_is_not_a_project_is_refused(gql):
    token = await token_for(Role.ORGANIZER)
    result = await gql(
        AUDIT, {"newestFirst": True, "project": to_global_id("Fair", 1)}, token=token
    )
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_name_longer_than_any_stored_finds_nothing_rather_than_failing(gql):
    # Given an organizer reading the log
    token = await token_for(Role.ORGANIZER)
    # When the person or action asked for is longer than any stored one can be
    found = await audit(gql, token, actor="0" * 65, action="a" * 49)
    # Then the answer is an empty page, not an internal error
    assert found["totalCount"] == 0 and found["edges"] == []
