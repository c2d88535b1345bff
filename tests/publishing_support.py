"""Fixtures, documents and helpers of the publishing tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from api.auth.models import Role
from api.catalog.models import CatalogItem, ServiceClass
from api.fairs.models import Fair
from api.places.models import District, Publisher, PublisherKind
from api.projects.models import Project
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

PUBLISH = """
mutation Publish($fair: ID!, $projects: [ProjectInput!]!) {
  publishProjects(fair: $fair, projects: $projects) {
    projects { id code status budget minSocialWorkers keySupport publishedAt communityOpinion
               cityFunding districtFunding publisher { id } district { id } }
    errors { code field message }
  }
}
"""

# Publishing thousands of rows: only what a client needs to confirm.
PUBLISH_LEAN = """
mutation Publish($fair: ID!, $projects: [ProjectInput!]!) {
  publishProjects(fair: $fair, projects: $projects) { projects { id } errors { code field } }
}
"""

UPDATE_FAIR = """
mutation End($fair: ID!, $input: FairInput!) { updateFair(fair: $fair, input: $input) { errors { code } } }
"""

# A city's list: published with bulk inserts, so a bounded number of statements.
BIG_LIST = 2_000
BIG_LIST_STATEMENTS = 60


@dataclass
class Stage:
    """An open fair, two districts, publishers of each kind and catalogue items."""

    fair: Fair
    home: District
    away: District
    community: Publisher
    street: Publisher
    department: Publisher
    elderly: CatalogItem
    children: CatalogItem
    banned: CatalogItem


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stage(app: object) -> Stage:
    home, away = await factories.district(), await factories.district()
    return Stage(
        fair=await factories.fair(),
        home=home,
        away=away,
        community=await factories.publisher(home, PublisherKind.COMMUNITY),
        street=await factories.publisher(home, PublisherKind.STREET),
        department=await factories.publisher(home, PublisherKind.DISTRICT_DEPARTMENT),
        elderly=await factories.catalog_item(ServiceClass.ELDERLY),
        children=await factories.catalog_item(ServiceClass.CHILDREN),
        banned=await factories.catalog_item(ServiceClass.ELDERLY, negative_list=True),
    )


@pytest.fixture
async def organizer(app: object) -> str:
    return await token_for(Role.ORGANIZER)


def gid(row: Any) -> str:
    return to_global_id(type(row).__name__, row.id)


def project_row(stage: Stage, **overrides: Any) -> dict[str, Any]:
    """A valid row of a list, published by the community publisher in its own district."""
    values: dict[str, Any] = {
        "code": f"XM{factories.RUN}-P{factories.next_number():06d}",
        "title": "社区老年人助餐服务",
        "description": "为辖区独居和高龄老人提供助餐与探访服务。",
        "serviceClass": "ELDERLY",
        "projectType": "PUBLIC_WELFARE",
        "procurement": "DIRECT",
        "budget": "80000.00",
        "servicePeriodMonths": 12,
        "beneficiaries": "辖区独居、高龄老人约120人",
        "publisher": gid(stage.community),
        "district": gid(stage.home),
        "catalogItem": stage.elderly.code,
        "communityOpinion": "居委会同意实施，居民议事会已讨论通过。",
    }
    values.update(overrides)
    return values


async def publish(
    gql, token: str | None, fair: Fair | str, rows: list[dict[str, Any]], document: str = PUBLISH
) -> dict[str, Any]:
    fair_id = fair if isinstance(fair, str) else gid(fair)
    result = await gql(document, {"fair": fair_id, "projects": rows}, token=token)
    assert "errors" not in result, result
    return result["data"]["publishProjects"]


def refusals(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def stored(rows: list[dict[str, Any]]) -> int:
    return await Project.filter(code__in=[r["code"] for r in rows]).count()


async def publish_one(gql, token: str, stage: Stage, **overrides: Any) -> dict[str, Any]:
    return await publish(gql, token, stage.fair, [project_row(stage, **overrides)])
