"""Every mutation tried by every role and anonymously.

Refusals for who is asking come before anything else: anonymous callers get
UNAUTHENTICATED, roles without the right get FORBIDDEN, and a role with the right is
never refused for its role (here it meets NOT_FOUND or INVALID_INPUT instead, because
the ids name nothing and the inputs are placeholders).
"""

from __future__ import annotations

import pytest

from api.auth.models import Role
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

MISSING_PROJECT = to_global_id("Project", 2_000_000_000)
MISSING_BID = to_global_id("Bid", 2_000_000_000)
MISSING_FAIR = to_global_id("Fair", 2_000_000_000)
MISSING_DISTRICT = to_global_id("District", 2_000_000_000)
MISSING_PUBLISHER = to_global_id("Publisher", 2_000_000_000)
MISSING_SUPERVISOR = to_global_id("Supervisor", 2_000_000_000)
MISSING_SURVEY = to_global_id("SatisfactionSurvey", 2_000_000_000)
MISSING_COMMENT = to_global_id("SurveyComment", 2_000_000_000)

FAIR_INPUT = '{edition: 1, name: "x", opensAt: "2030-01-01T00:00:00+08:00", closesAt: "2030-02-01T00:00:00+08:00"}'
PROJECT_INPUT = (
    '{code: "M-1", title: "t", description: "d", serviceClass: ELDERLY, projectType: PUBLIC_WELFARE,'
    ' procurement: DIRECT, budget: "1000.00", servicePeriodMonths: 12, beneficiaries: "b",'
    f' publisher: "{MISSING_PUBLISHER}", district: "{MISSING_DISTRICT}", catalogItem: "NONE",'
    ' communityOpinion: "同意"}'
)

# mutation name -> (document, roles allowed to act)
MUTATIONS: dict[str, tuple[str, set[Role]]] = {
    "createFair": (
        f"mutation {{ createFair(input: {FAIR_INPUT}) {{ errors {{ code }} }} }}",
        {Role.ORGANIZER},
    ),
    "updateFair": (
        f'mutation {{ updateFair(fair: "{MISSING_FAIR}", input: {FAIR_INPUT}) {{ errors {{ code }} }} }}',
        {Role.ORGANIZER},
    ),
    "registerOrganization": (
        'mutation { registerOrganization(input: {name: "", creditCode: "bad", serviceClasses: [],'
        " districts: [], socialWorkers: -1}) { errors { code } } }",
        {Role.ORGANIZER},
    ),
    "addSupervisor": (
        'mutation { addSupervisor(input: {name: "", affiliation: "", expertise: [],'
        " districts: [], maxLoad: 0}) { errors { code } } }",
        {Role.ORGANIZER},
    ),
    "createAccount": (
        'mutation { createAccount(username: "x", password: "short", role: ORGANIZER)'
        " { errors { code } } }",
        {Role.ORGANIZER},
    ),
    "publishProjects": (
        f'mutation {{ publishProjects(fair: "{MISSING_FAIR}", projects: [{PROJECT_INPUT}])'
        " { errors { code } } }",
        {Role.ORGANIZER, Role.PUBLISHER},
    ),
    "claimProject": (
        f'mutation {{ claimProject(project: "{MISSING_PROJECT}", bid: {{amount: "1.00",'
        ' managementFee: "0.00", socialWorkers: 1, plan: "p"}) { errors { code } } }',
        {Role.ORGANIZATION},
    ),
    "withdrawBid": (
        f'mutation {{ withdrawBid(bid: "{MISSING_BID}") {{ errors {{ code }} }} }}',
        {Role.ORGANIZATION},
    ),
    "scoreBid": (
        f'mutation {{ scoreBid(bid: "{MISSING_BID}", scores: [{{criterion: "plan", score: 1}}])'
        " { errors { code } } }",
        {Role.REVIEWER},
    ),
    "awardProject": (
        f'mutation {{ awardProject(project: "{MISSING_PROJECT}") {{ errors {{ code }} }} }}',
        {Role.ORGANIZER, Role.PUBLISHER},
    ),
    "assignSupervisors": (
        f'mutation {{ assignSupervisors(fair: "{MISSING_FAIR}") {{ errors {{ code }} }} }}',
        {Role.ORGANIZER},
    ),
    "recordEvaluation": (
        f'mutation {{ recordEvaluation(project: "{MISSING_PROJECT}", stage: MIDTERM,'
        ' scores: [{component: "community", score: 80}]) { errors { code } } }',
        {Role.ORGANIZER},
    ),
    "recordPayment": (
        f'mutation {{ recordPayment(project: "{MISSING_PROJECT}", tranche: 1, reference: "r")'
        " { errors { code } } }",
        {Role.ORGANIZER},
    ),
    "withdrawProject": (
        f'mutation {{ withdrawProject(project: "{MISSING_PROJECT}", reason: "r")'
        " { errors { code } } }",
        {Role.ORGANIZER, Role.PUBLISHER},
    ),
    "reassignSupervisor": (
        f'mutation {{ reassignSupervisor(project: "{MISSING_PROJECT}",'
        f' supervisor: "{MISSING_SUPERVISOR}", reason: "r") {{ errors {{ code }} }} }}',
        {Role.ORGANIZER},
    ),
    "openSatisfactionSurvey": (
        f'mutation {{ openSatisfactionSurvey(project: "{MISSING_PROJECT}",'
        ' closesAt: "2099-01-01T00:00:00+08:00") { errors { code } } }',
        {Role.ORGANIZER, Role.PUBLISHER},
    ),
    "closeSatisfactionSurvey": (
        f'mutation {{ closeSatisfactionSurvey(survey: "{MISSING_SURVEY}") {{ errors {{ code }} }} }}',
        {Role.ORGANIZER, Role.PUBLISHER},
    ),
    "moderateSatisfactionComment": (
        f'mutation {{ moderateSatisfactionComment(comment: "{MISSING_COMMENT}", approve: true)'
        " { errors { code } } }",
        {Role.ORGANIZER, Role.PUBLISHER},
    ),
    "logout": ("mutation { logout { errors { code } } }", set(Role)),
}

ROLES: list[Role | None] = [None, *Role]


async def _caller(role: Role | None) -> tuple[str | None, dict[str, str]]:
    """A token of a new account of ``role`` linked to a body of its own, and the ids of
    that body to put into documents (a publisher publishes for itself)."""
    if role is None:
        return None, {}
    if role is Role.ORGANIZATION:
        org = await factories.organization()
        return await token_for(role, organization_id=org.id), {}
    if role in (Role.REVIEWER, Role.SUPERVISOR):
        return await token_for(role, supervisor_id=(await factories.supervisor()).id), {}
    if role is Role.PUBLISHER:
        own = await factories.publisher()
        own_id = to_global_id("Publisher", own.id)
        return await token_for(role, publisher_id=own.id), {MISSING_PUBLISHER: own_id}
    return await token_for(role), {}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "ANONYMOUS")
@pytest.mark.parametrize("name", sorted(MUTATIONS))
async def test_mutation_answers_each_role_as_the_rules_say(gql, name, role):
    # Given a caller of this role (or nobody), when it calls the mutation,
    # then the refusal for who is asking is exactly what the role matrix says.
    document, allowed = MUTATIONS[name]
    token, own_ids = await _caller(role)
    for placeholder, own in own_ids.items():
        document = document.replace(placeholder, own)
    result = await gql(document, token=token)
    assert "errors" not in result, result
    codes = {e["code"] for e in result["data"][name]["errors"]}
    if role is None:
        assert codes == {"UNAUTHENTICATED"}
    elif role in allowed:
        assert not codes & {"UNAUTHENTICATED", "FORBIDDEN"}, codes
    else:
        assert codes == {"FORBIDDEN"}


AUDIT_LOG = "{ auditLog(first: 5) { totalCount edges { node { at actor action subjectIds } } } }"


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "ANONYMOUS")
async def test_only_organizers_read_the_audit_log(gql, role):
    # Given a caller of this role, when it asks for the audit log,
    # then organizers read it and everybody else is refused with the right code.
    token, _ = await _caller(role)
    result = await gql(AUDIT_LOG, token=token)
    if role is Role.ORGANIZER:
        assert "errors" not in result and result["data"]["auditLog"]["totalCount"] >= 0
        return
    assert result["data"] is None
    expected = "UNAUTHENTICATED" if role is None else "FORBIDDEN"
    assert [e["extensions"]["code"] for e in result["errors"]] == [expected]
