"""Documents and helpers shared by the read-side tests (``tests/test_read_*.py``)."""

from __future__ import annotations

from typing import Any

from schema.relay import to_global_id

# --- documents -----------------------------------------------------------------------

FAIR = """
query Fair($edition: Int) {
  fair(edition: $edition) {
    id edition name isOpen opensAt closesAt
    criteria { key name weight }
    evaluationComponents { key name weight }
  }
}
"""

FAIRS = "{ fairs { id edition name isOpen } }"

FAIR_STATS = """
query FairStats($edition: Int!) {
  fair(edition: $edition) {
    stats {
      projectCount totalBudget awardedCount awardedBudget
      byServiceClass { serviceClass projectCount budget }
      byDistrict { district { id name } projectCount budget }
    }
  }
}
"""

FAIR_PROJECTS = """
query FairProjects($edition: Int!, $first: Int, $after: String, $filter: ProjectFilter) {
  fair(edition: $edition) {
    projects(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage }
      edges { node { code } }
    }
  }
}
"""

PROJECTS = """
query Projects($first: Int, $after: String, $filter: ProjectFilter) {
  projects(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id code title status serviceClass procurement budget keySupport
        district { id name }
      }
    }
  }
}
"""

PROJECT = "query Project($id: ID!) { project(id: $id) { id code title status } }"

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Fair { edition }
    ... on District { name }
    ... on Publisher { name }
    ... on Project { code }
    ... on Organization { name }
    ... on Supervisor { name }
  }
}
"""

DISTRICTS = "{ districts { id name code } }"

PUBLISHERS = """
query Publishers($district: ID) {
  publishers(district: $district) { id name kind district { id name } }
}
"""

CATALOG_ITEMS = """
query CatalogItems($serviceClass: ServiceClass) {
  catalogItems(serviceClass: $serviceClass) { code name serviceClass negativeList }
}
"""

ORGANIZATIONS = """
query Organizations($first: Int, $after: String, $filter: OrganizationFilter) {
  organizations(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage }
    edges {
      node {
        id name socialWorkers serviceClasses contactName contactPhone
        districts { id name }
      }
    }
  }
}
"""

SUPERVISORS = """
query Supervisors($first: Int, $after: String, $filter: SupervisorFilter) {
  supervisors(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { node { id name affiliation expertise load maxLoad districts { id name } } }
  }
}
"""

MATCHING_ORGANIZATIONS = """
query MatchingOrganizations($id: ID!, $first: Int!) {
  project(id: $id) {
    matchingOrganizations(first: $first) {
      score reasons organization { id name serviceClasses socialWorkers }
    }
  }
}
"""

MATCHING_PROJECTS = """
query MatchingProjects($id: ID!, $first: Int!) {
  node(id: $id) {
    ... on Organization {
      matchingProjects(first: $first) { score reasons project { id title status } }
    }
  }
}
"""

ORGANIZATIONS_WITH_MATCHES = """
query OrganizationsWithMatches($filter: OrganizationFilter) {
  organizations(first: 10, filter: $filter) {
    edges { node { name matchingProjects(first: 3) { reasons project { id } } } }
  }
}
"""

MIN_BUDGET_LITERAL = """
query MinBudgetLiteral($fair: ID!) {
  projects(filter: {fair: $fair, minBudget: 1.5}) { totalCount }
}
"""

AUDIT_LOG = "{ auditLog(first: 5) { totalCount edges { node { action } } } }"

DISTRICT_NAMES = "{ districts { name } }"

BROKEN = "{ districts { name "

ALIASES_AT_LIMIT = "{ " + " ".join(f"d{i}: districts {{ name }}" for i in range(30)) + " }"

TOO_MANY_ALIASES = "{ " + " ".join(f"d{i}: districts {{ name }}" for i in range(31)) + " }"

# A project's matches, their projects' matches, and so on: far deeper than 12 levels.
TOO_DEEP = (
    'query TooDeep { project(id: "x") { '
    + "matchingOrganizations { organization { matchingProjects { project { " * 5
    + "id"
    + " } } } }" * 5
    + " } }"
)

GRAPHQL_RESPONSE = "application/graphql-response+json"


# --- helpers -------------------------------------------------------------------------


def gid(type_name: str, pk: int) -> str:
    return str(to_global_id(type_name, pk))


def messages(result: dict[str, Any]) -> str:
    """Every error message of a response, joined, for asserting on."""
    return " | ".join(e["message"] for e in result.get("errors") or [])


def assert_refused(result: dict[str, Any]) -> None:
    """A GraphQL error, with no internals of the server in it."""
    assert result.get("errors"), result
    assert_no_internals(str(result))
    assert "服务器内部错误" not in messages(result), "an unexpected failure, not a refusal"


def assert_no_internals(text: str) -> None:
    assert "Traceback" not in text
    assert 'File "' not in text


async def post(client, query: str, variables: dict | None = None, accept: str | None = None):
    headers = {"accept": accept} if accept else {}
    return await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


async def project_codes(gql, filter: dict[str, Any], first: int = 100) -> list[str]:
    result = await gql(PROJECTS, {"first": first, "filter": filter})
    assert "errors" not in result, result["errors"]
    return [e["node"]["code"] for e in result["data"]["projects"]["edges"]]


async def organization_names(gql, filter: dict[str, Any]) -> list[str]:
    result = await gql(ORGANIZATIONS, {"first": 100, "filter": filter})
    assert "errors" not in result, result["errors"]
    return [e["node"]["name"] for e in result["data"]["organizations"]["edges"]]


async def supervisor_names(gql, filter: dict[str, Any]) -> list[str]:
    result = await gql(SUPERVISORS, {"first": 100, "filter": filter})
    assert "errors" not in result, result["errors"]
    return [e["node"]["name"] for e in result["data"]["supervisors"]["edges"]]


async def matches_for(gql, project_pk: int, first: int = 20) -> list[dict[str, Any]]:
    result = await gql(MATCHING_ORGANIZATIONS, {"id": gid("Project", project_pk), "first": first})
    assert "errors" not in result, result["errors"]
    return result["data"]["project"]["matchingOrganizations"]
