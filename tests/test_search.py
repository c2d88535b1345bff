"""Project search finds what people mean, on the seeded demo fair: a table of real queries
and the projects each must find (its recall), ranking, and the hall's statement count.

The expected projects are worked out here from the seed's own data (class, catalogue item,
title and description), independently of the search's SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import pytest_asyncio
from starlette.applications import Starlette

from api.catalog.models import ServiceClass
from api.fairs.models import Fair
from api.projects.search import CLASS_WORDS
from api.projects.synonyms import GROUPS
from api.sqlcount import count_statements
from schema.relay import to_global_id
from seeds import generate
from seeds.catalog import catalog_items
from seeds.loader import load
from seeds.projects import ProjectSeed
from tests import factories

SEARCH = """
query Search($filter: ProjectFilter, $after: String) {
  projects(first: 25, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { code title serviceClass } }
  }
}
"""

SEARCH_WITH_HALL = """
query Hall($filter: ProjectFilter) {
  projects(first: 20, filter: $filter) {
    totalCount edges { node { code publisher { name } district { name } bidCount
      matchingOrganizations(first: 3) { score organization { name } } } }
  }
}
"""

SEED = generate("demo")
FAIR_SEED = max(SEED.fairs, key=lambda f: f.edition)
PROJECTS = FAIR_SEED.projects
ITEM_NAMES = {item.code: item.name for item in catalog_items()}


def in_class(service_class: ServiceClass) -> Callable[[ProjectSeed], bool]:
    return lambda p: p.service_class is service_class


def says(*words: str) -> Callable[[ProjectSeed], bool]:
    """The title, description or catalogue item name holds one of ``words``."""

    def check(p: ProjectSeed) -> bool:
        text = (p.title, p.description, ITEM_NAMES[p.catalog_code])
        return any(w in t for w in words for t in text)

    return check


def item(code: str) -> Callable[[ProjectSeed], bool]:
    return lambda p: p.catalog_code == code


def both(
    a: Callable[[ProjectSeed], bool], b: Callable[[ProjectSeed], bool]
) -> Callable[[ProjectSeed], bool]:
    return lambda p: a(p) and b(p)


@dataclass(frozen=True)
class Case:
    query: str
    must_find: Callable[[ProjectSeed], bool]
    why: str


E, C, D, H, P, M = (
    ServiceClass.ELDERLY,
    ServiceClass.CHILDREN,
    ServiceClass.DISABILITY,
    ServiceClass.HARDSHIP,
    ServiceClass.PARTICIPATION,
    ServiceClass.MEDIATION,
)

CASES = [
    Case("养老", in_class(E), "the search box's own example: every 为老服务 project"),
    Case("为老", in_class(E), "the class's short name"),
    Case("为老服务", in_class(E), "the class's name"),
    Case("养老服务", in_class(E), "with the suffix people add"),
    Case("老年人", in_class(E), "a synonym"),
    Case("助老", in_class(E), "a synonym"),
    Case("长者", in_class(E), "a synonym"),
    Case("儿童", in_class(C), "为小服务 by its usual word"),
    Case("青少年", in_class(C), "为小服务 by another word"),
    Case("为小服务", in_class(C), "the class's name"),
    Case("助残", in_class(D), "为残服务 by its usual word"),
    Case("残疾人", in_class(D), "a synonym"),
    Case("为残", in_class(D), "the class's short name"),
    Case("帮困", in_class(H), "为困服务 by its usual word"),
    Case("困难", in_class(H), "a synonym"),
    Case("低保", in_class(H), "a synonym"),
    Case("社区参与", in_class(P), "the class's name"),
    Case("志愿服务", in_class(P), "a synonym"),
    Case("议事", in_class(P), "a synonym"),
    Case("调解", in_class(M), "调解治理 by its first word"),
    Case("纠纷", in_class(M), "a synonym"),
    Case("社区矫正", in_class(M), "a service item of the class"),
    Case("日间照料", item("ELD-03"), "a catalogue item's name, not in every title"),
    Case("四点半课堂", item("CHD-02"), "a catalogue item's name"),
    Case("禁毒", item("MED-07"), "part of a catalogue item's name"),
    Case("助餐", says("助餐", "就餐", "食堂"), "a word group without a class"),
    Case("心理", says("心理", "精神慰藉"), "a word group without a class"),
    Case("养老 助餐", both(in_class(E), says("助餐", "就餐", "食堂")), "two words, both hold"),
    Case("妇女儿童", item("CHD-03"), "a catalogue item's name as typed"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def fair_id(app: Starlette) -> str:
    """The demo seed loaded (idempotent), and its newest fair's global id."""
    await load("demo")
    fair = await Fair.get(edition=FAIR_SEED.edition)
    return to_global_id("Fair", fair.id)


async def search(gql, fair_id: str, query: str) -> list[dict]:
    """Every project the search finds, 25 a page (so ranked cursors are followed)."""
    found: list[dict] = []
    after = None
    while True:
        variables = {"filter": {"fair": fair_id, "search": query}, "after": after}
        result = await gql(SEARCH, variables)
        assert "errors" not in result, result["errors"]
        page = result["data"]["projects"]
        found += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(found)
            return found
        after = page["pageInfo"]["endCursor"]


def test_the_table_holds_at_least_20_real_queries():
    # Given the table, then it holds at least 20 queries, each expecting some project.
    assert len(CASES) >= 20
    for case in CASES:
        assert any(case.must_find(p) for p in PROJECTS), case.query


@pytest.mark.parametrize("case", CASES, ids=[c.query for c in CASES])
async def test_search_finds_every_project_people_mean(gql, fair_id, case):
    # Given the seeded demo fair, when the query is searched for,
    found = await search(gql, fair_id, case.query)
    codes = [p["code"] for p in found]
    # then every project it means is found (recall 100%), each once.
    expected = {p.code for p in PROJECTS if case.must_find(p)}
    missing = expected - set(codes)
    assert not missing, f"{case.query} ({case.why}) misses {len(missing)} of {len(expected)}"
    assert len(codes) == len(set(codes))


async def test_yanglao_finds_the_elderly_class_and_not_the_children(gql, fair_id):
    # Given the seeded fair, when 养老 is searched for,
    found = await search(gql, fair_id, "养老")
    # then it finds all 为老服务 projects, and no 为小服务 project that says nothing of the old.
    classes = {p["code"]: p["serviceClass"] for p in found}
    elderly = {p.code for p in PROJECTS if p.service_class is ServiceClass.ELDERLY}
    assert elderly <= set(classes)
    words = next(g.words for g in GROUPS if g.service_class is ServiceClass.ELDERLY)
    unrelated = {
        p.code for p in PROJECTS if p.service_class is ServiceClass.CHILDREN and not says(*words)(p)
    }
    assert unrelated and not unrelated & set(classes)


async def test_results_are_ranked_typed_word_in_the_title_first(gql, fair_id):
    # Given the seeded fair, when 养老 is searched for,
    found = await search(gql, fair_id, "养老")
    titled = [i for i, p in enumerate(found) if "养老" in p["title"]]
    others = [i for i, p in enumerate(found) if "养老" not in p["title"]]
    # then every project with 养老 in its title comes before every other project.
    assert titled and others
    assert max(titled) < min(others)


async def test_a_word_nobody_wrote_finds_nothing(gql, fair_id):
    # Given the seeded fair, when a word no project holds is searched for, then nothing.
    assert await search(gql, fair_id, "火星探测") == []


async def test_a_search_cursor_of_another_list_is_refused(gql, fair_id):
    # Given a cursor of the unranked list, when it is used on a search,
    plain = await gql(SEARCH, {"filter": {"fair": fair_id}})
    cursor = plain["data"]["projects"]["pageInfo"]["endCursor"]
    result = await gql(SEARCH, {"filter": {"fair": fair_id, "search": "养老"}, "after": cursor})
    # then it is refused as an invalid cursor, not misread.
    assert result["errors"][0]["message"].startswith("无效的分页游标")


async def test_a_search_costs_no_extra_statement_in_the_hall(gql, fair_id):
    # Given the hall's page with its relations, read without and with a search,
    async def statements(filter: dict) -> int:
        with count_statements() as sent:
            result = await gql(SEARCH_WITH_HALL, {"filter": filter})
        assert "errors" not in result, result["errors"]
        assert result["data"]["projects"]["edges"]
        return len(sent)

    plain = await statements({"fair": fair_id})
    searched = await statements({"fair": fair_id, "search": "养老 助餐"})
    # then the search sends exactly as many statements.
    assert searched == plain


def test_every_synonym_belongs_to_one_group_only():
    # Given the reviewed synonym table, then no word is in two groups (it would mean two
    # things), and every class can be reached by its own name.
    words = [w for g in GROUPS for w in g.words]
    assert len(words) == len(set(words))
    assert set(CLASS_WORDS) == set(ServiceClass)


async def test_latin_letters_match_in_any_case(gql, app):
    # Given a project whose title holds Latin letters,
    fair = await factories.fair()
    made = await factories.project(fair, title="亲子 DIY 手工坊")
    # when they are searched for in lower case, then it is found.
    result = await gql(SEARCH, {"filter": {"fair": to_global_id("Fair", fair.id), "search": "diy"}})
    assert [e["node"]["code"] for e in result["data"]["projects"]["edges"]] == [made.code]
