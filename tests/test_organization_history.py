"""An organization's record across fairs: every project it was awarded with its scores,
payments and credit entries, a summary per fair, for organizers, publishers and itself,
read in a number of statements that does not grow with the record."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.auth.models import Role
from api.contracts.models import Evaluation, EvaluationStage
from api.organizations.models import CreditEntry, CreditKind, Organization
from api.sqlcount import count_statements
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

HISTORY = """
query History($id: ID!) {
  node(id: $id) {
    ... on Organization {
      history {
        fairs { edition projects contracted paid meanScore passed failed fair { name } }
        projects {
          edition amount midtermScore finalScore paid
          project { title status publisher { name } }
          evaluations { stage score passed }
          payments { tranche amount status }
          creditEntries { kind note }
        }
        creditEntries { kind }
      }
    }
  }
}
"""


async def evaluated(project_id: int, stage: EvaluationStage, score: float) -> None:
    await Evaluation.create(
        project_id=project_id,
        stage=stage,
        scores={"community": score},
        score=score,
        passed=score >= 60,
        at=factories.now(),
    )


async def record_over(fairs: int, per_fair: int) -> Organization:
    """An organization awarded ``per_fair`` projects of CNY 100,000 in each of ``fairs``
    fairs, each evaluated mid-term (80) and, but for the newest fair, finally (90)."""
    org = await factories.organization(index=False)
    for n in range(fairs):
        fair = await factories.fair()
        for _ in range(per_fair):
            project = await factories.project(fair)
            await factories.contract(project, org)
            await evaluated(project.id, EvaluationStage.MIDTERM, 80.0)
            if n < fairs - 1:
                await evaluated(project.id, EvaluationStage.FINAL, 90.0)
                await CreditEntry.create(
                    organization=org,
                    project=project,
                    at=factories.now(),
                    kind=CreditKind.EVALUATION_PASSED,
                    note="末期评估通过",
                )
    return org


async def history(gql, org: Organization, token: str | None) -> dict | None:
    result = await gql(HISTORY, {"id": to_global_id("Organization", org.id)}, token=token)
    assert "errors" not in result, result
    return result["data"]["node"]["history"]


async def test_the_record_spans_every_fair_newest_first(gql):
    # Given an organization with two projects in each of three fairs,
    org = await record_over(fairs=3, per_fair=2)
    # when an organizer reads its history,
    found = await history(gql, org, await token_for(Role.ORGANIZER))
    assert found is not None
    # then there is one line per fair, newest first, with its sums,
    assert [f["projects"] for f in found["fairs"]] == [2, 2, 2]
    editions = [f["edition"] for f in found["fairs"]]
    assert editions == sorted(editions, reverse=True)
    newest, older = found["fairs"][0], found["fairs"][1]
    assert Decimal(newest["contracted"]) == Decimal("200000.00")
    assert Decimal(newest["paid"]) == Decimal("100000.00")  # the first tranche of each
    assert (newest["meanScore"], older["meanScore"]) == (80.0, 90.0)
    assert (older["passed"], older["failed"]) == (4, 0)
    # and every project with its scores, payments and credit entries.
    assert len(found["projects"]) == 6
    last = found["projects"][-1]
    assert (last["midtermScore"], last["finalScore"]) == (80.0, 90.0)
    assert [p["tranche"] for p in last["payments"]] == [1, 2, 3]
    assert [c["kind"] for c in last["creditEntries"]] == ["EVALUATION_PASSED"]
    assert found["projects"][0]["finalScore"] is None
    assert len(found["creditEntries"]) == 4


async def test_statements_do_not_grow_with_the_record(gql):
    # Given a short record and one three times longer,
    token = await token_for(Role.ORGANIZER)
    short, long = await record_over(1, 2), await record_over(3, 2)
    # when each is read,
    counts = []
    for org in (short, long):
        with count_statements() as statements:
            await history(gql, org, token)
        counts.append(len(statements))
    # then both take the same handful of statements (dataloaders batch every level).
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.PUBLISHER])
async def test_organizers_and_publishers_see_it(gql, role):
    org = await record_over(1, 1)
    assert await history(gql, org, await token_for(role)) is not None


async def test_the_organization_sees_its_own(gql):
    org = await record_over(1, 1)
    token = await token_for(Role.ORGANIZATION, organization_id=org.id)
    assert await history(gql, org, token) is not None


async def test_others_do_not(gql):
    org = await record_over(1, 1)
    other = await factories.organization(index=False)
    assert await history(gql, org, None) is None
    assert await history(gql, org, await token_for(Role.REVIEWER)) is None
    token = await token_for(Role.ORGANIZATION, organization_id=other.id)
    assert await history(gql, org, token) is None


async def test_an_organization_without_projects_has_an_empty_record(gql):
    org = await factories.organization(index=False)
    found = await history(gql, org, await token_for(Role.ORGANIZER))
    assert found == {"fairs": [], "projects": [], "creditEntries": []}
