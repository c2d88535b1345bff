"""The organization and supervisor pools, and matching, as an anonymous visitor of the fair sees them.

The session's database is shared by every test, so each test builds its own fair,
districts and pool members (see ``tests.factories``) and reads through a filter on them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.catalog.models import ServiceClass
from api.projects.models import ProjectStatus
from tests import factories
from tests.read_api import (
    MATCHING_ORGANIZATIONS,
    MATCHING_PROJECTS,
    ORGANIZATIONS,
    ORGANIZATIONS_WITH_MATCHES,
    SUPERVISORS,
    assert_refused,
    gid,
    matches_for,
    messages,
    organization_names,
    post,
    supervisor_names,
)

# --- organizations -------------------------------------------------------------------


async def test_organizations_filter_by_service_class(gql):
    # Given an elderly-care and a children's organization in one district,
    place = await factories.district()
    elderly = await factories.organization(
        service_classes=(ServiceClass.ELDERLY, ServiceClass.HARDSHIP), districts=(place,)
    )
    await factories.organization(service_classes=(ServiceClass.CHILDREN,), districts=(place,))
    # when that district's ELDERLY organizations are asked for,
    result = await gql(
        ORGANIZATIONS,
        {"filter": {"district": [gid("District", place.id)], "serviceClass": ["ELDERLY"]}},
    )
    # then only the elderly-care one comes back, with all its classes.
    edges = result["data"]["organizations"]["edges"]
    assert [e["node"]["name"] for e in edges] == [elderly.name]
    assert edges[0]["node"]["serviceClasses"] == ["ELDERLY", "HARDSHIP"]


async def test_organizations_filter_by_district(gql):
    # Given organizations serving one district, another, and both,
    here, there = await factories.district(), await factories.district()
    local = await factories.organization(districts=(here,))
    await factories.organization(districts=(there,))
    both = await factories.organization(districts=(here, there))
    # when the first district is asked for, then the ones serving it come back,
    assert await organization_names(gql, {"district": [gid("District", here.id)]}) == [
        local.name,
        both.name,
    ]
    # and the districts each serves are listed.
    result = await gql(ORGANIZATIONS, {"filter": {"district": [gid("District", here.id)]}})
    served = {
        e["node"]["name"]: e["node"]["districts"] for e in result["data"]["organizations"]["edges"]
    }
    assert [d["name"] for d in served[both.name]] == [here.name, there.name]


async def test_organization_serving_two_asked_districts_is_counted_once(gql):
    # Given an organization serving two districts,
    here, there = await factories.district(), await factories.district()
    both = await factories.organization(districts=(here, there))
    # when both districts are asked for,
    result = await gql(
        ORGANIZATIONS,
        {"filter": {"district": [gid("District", here.id), gid("District", there.id)]}},
    )
    # then it comes back once, and is counted once.
    page = result["data"]["organizations"]
    assert [e["node"]["name"] for e in page["edges"]] == [both.name]
    assert page["totalCount"] == 1


async def test_organizations_filter_by_min_social_workers(gql):
    # Given organizations with 1, 3 and 5 social workers in one district,
    place = await factories.district()
    orgs = [await factories.organization(social_workers=n, districts=(place,)) for n in (1, 3, 5)]
    # when at least 3 are asked for, then the organization with exactly 3 is included.
    names = await organization_names(
        gql, {"district": [gid("District", place.id)], "minSocialWorkers": 3}
    )
    assert names == [orgs[1].name, orgs[2].name]


async def test_organizations_search_by_chinese_name(gql):
    # Given an organization with a distinctive name, when part of the name is searched,
    n = factories.next_number()
    found = await factories.organization(name=f"鼓楼区乐龄{n}号社会工作服务中心")
    await factories.organization()
    # then it is found.
    assert await organization_names(gql, {"search": f"乐龄{n}号"}) == [found.name]


async def test_organization_contacts_are_hidden_from_anonymous_visitors(gql):
    # Given an organization with a contact phone, when an anonymous visitor reads it,
    place = await factories.district()
    await factories.organization(districts=(place,), contact_phone="025-84000000")
    result = await gql(ORGANIZATIONS, {"filter": {"district": [gid("District", place.id)]}})
    # then the contact phone and person are null.
    node = result["data"]["organizations"]["edges"][0]["node"]
    assert node["contactPhone"] is None
    assert node["contactName"] is None


# --- supervisors ---------------------------------------------------------------------


async def test_supervisors_filter_by_expertise(gql):
    # Given an expert in disability and one in mediation serving one district,
    place = await factories.district()
    disability = await factories.supervisor(
        expertise=(ServiceClass.DISABILITY,), districts=(place,)
    )
    await factories.supervisor(expertise=(ServiceClass.MEDIATION,), districts=(place,))
    # when disability expertise is asked for, then only that expert comes back.
    names = await supervisor_names(
        gql, {"district": [gid("District", place.id)], "expertise": ["DISABILITY"]}
    )
    assert names == [disability.name]


async def test_supervisors_filter_by_district(gql):
    # Given supervisors of two districts, when one district is asked for,
    here, there = await factories.district(), await factories.district()
    local = await factories.supervisor(districts=(here,))
    await factories.supervisor(districts=(there,))
    # then only the supervisor serving it comes back.
    assert await supervisor_names(gql, {"district": [gid("District", here.id)]}) == [local.name]


@pytest.mark.parametrize("available", [True, False])
async def test_supervisors_filter_by_availability(gql, available):
    # Given a supervisor with room (2 of 5) and one at full load (5 of 5),
    place = await factories.district()
    free = await factories.supervisor(districts=(place,), load=2, max_load=5)
    full = await factories.supervisor(districts=(place,), load=5, max_load=5)
    # when available (or unavailable) supervisors are asked for,
    names = await supervisor_names(
        gql, {"district": [gid("District", place.id)], "available": available}
    )
    # then only the supervisor of that kind comes back.
    assert names == [free.name if available else full.name]


async def test_supervisors_search_name_and_affiliation(gql):
    # Given supervisors known by a distinctive name and by a distinctive affiliation,
    n = factories.next_number()
    by_name = await factories.supervisor(name=f"钱{n}老师")
    by_affiliation = await factories.supervisor(affiliation=f"金陵{n}学院社会工作系")
    # when either is searched for, then each is found.
    assert await supervisor_names(gql, {"search": f"钱{n}"}) == [by_name.name]
    assert await supervisor_names(gql, {"search": f"金陵{n}学院"}) == [by_affiliation.name]


async def test_supervisor_load_and_expertise_are_read(gql):
    # Given a supervisor of two fields with 3 of 6 projects,
    place = await factories.district()
    await factories.supervisor(
        expertise=(ServiceClass.ELDERLY, ServiceClass.MEDIATION),
        districts=(place,),
        load=3,
        max_load=6,
    )
    # when it is read, then its load, maximum, fields and districts are as stored.
    result = await gql(SUPERVISORS, {"filter": {"district": [gid("District", place.id)]}})
    node = result["data"]["supervisors"]["edges"][0]["node"]
    assert (node["load"], node["maxLoad"]) == (3, 6)
    assert node["expertise"] == ["ELDERLY", "MEDIATION"]
    assert node["districts"] == [{"id": gid("District", place.id), "name": place.name}]


# --- matching ------------------------------------------------------------------------


async def test_organization_serving_the_district_ranks_above_an_equal_one(gql):
    # Given a project in one district, and two equally strong organizations of its class,
    # one serving that district and one serving another,
    fair = await factories.fair()
    here, elsewhere = await factories.district(), await factories.district()
    project = await factories.project(
        fair, in_district=here, service_class=ServiceClass.PARTICIPATION
    )
    local = await factories.elite_organization(
        service_classes=(ServiceClass.PARTICIPATION,), districts=(here,)
    )
    remote = await factories.elite_organization(
        service_classes=(ServiceClass.PARTICIPATION,), districts=(elsewhere,)
    )
    # when the project's matching organizations are asked for,
    matches = await matches_for(gql, project.id)
    ranked = [m["organization"]["name"] for m in matches]
    # then the local one comes first and the other after it, with a lower score.
    assert ranked[0] == local.name
    assert remote.name in ranked
    scores = {m["organization"]["name"]: m["score"] for m in matches}
    assert scores[local.name] > scores[remote.name]


async def test_match_reasons_are_chinese_and_name_the_district(gql):
    # Given a project and an organization serving its district,
    fair = await factories.fair()
    here = await factories.district()
    project = await factories.project(fair, in_district=here, service_class=ServiceClass.ELDERLY)
    local = await factories.elite_organization(districts=(here,))
    # when the project's matches are read,
    matches = await matches_for(gql, project.id)
    # then the local organization's reasons are Chinese and name the district,
    reasons = next(m["reasons"] for m in matches if m["organization"]["name"] == local.name)
    assert any(here.name in r for r in reasons)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in reasons)
    # and every score lies in [0, 1].
    assert all(0 <= m["score"] <= 1 for m in matches)


async def test_organization_without_enough_social_workers_is_never_recommended(gql):
    # Given a project needing 8 social workers, and local organizations with 7 and 8,
    fair = await factories.fair()
    here = await factories.district()
    project = await factories.project(
        fair, in_district=here, service_class=ServiceClass.HARDSHIP, min_social_workers=8
    )
    short = await factories.elite_organization(
        service_classes=(ServiceClass.HARDSHIP,), districts=(here,), social_workers=7
    )
    enough = await factories.elite_organization(
        service_classes=(ServiceClass.HARDSHIP,), districts=(here,), social_workers=8
    )
    # when the project's matches are asked for,
    matches = await matches_for(gql, project.id)
    names = [m["organization"]["name"] for m in matches]
    # then the one with too few is not among them, and none has fewer than 8.
    assert enough.name in names
    assert short.name not in names
    assert all(m["organization"]["socialWorkers"] >= 8 for m in matches)


async def test_organization_under_credit_restriction_is_never_recommended(gql):
    # Given a project and a strong local organization that is recommended for it,
    fair = await factories.fair()
    here = await factories.district()
    project = await factories.project(fair, in_district=here, service_class=ServiceClass.DISABILITY)
    org = await factories.elite_organization(
        service_classes=(ServiceClass.DISABILITY,), districts=(here,)
    )
    assert org.name in [m["organization"]["name"] for m in await matches_for(gql, project.id)]
    # when it falls under a credit restriction and the index is rebuilt,
    org.restricted_until = factories.now() + timedelta(days=180)
    await org.save(update_fields=["restricted_until"])
    await factories.index_organizations([org.id])
    # then it is no longer recommended.
    names = [m["organization"]["name"] for m in await matches_for(gql, project.id)]
    assert org.name not in names


async def test_organization_whose_restriction_has_ended_is_recommended_again(gql):
    # Given a local organization whose credit restriction ended an hour ago,
    fair = await factories.fair()
    here = await factories.district()
    project = await factories.project(fair, in_district=here, service_class=ServiceClass.MEDIATION)
    org = await factories.elite_organization(
        service_classes=(ServiceClass.MEDIATION,),
        districts=(here,),
        restricted_until=factories.now() - timedelta(hours=1),
    )
    # when the project's matches are asked for, then it is recommended.
    names = [m["organization"]["name"] for m in await matches_for(gql, project.id)]
    assert org.name in names


async def test_organization_of_another_service_class_is_never_recommended(gql):
    # Given a mediation project and a strong local organization working for children only,
    fair = await factories.fair()
    here = await factories.district()
    project = await factories.project(fair, in_district=here, service_class=ServiceClass.MEDIATION)
    other = await factories.elite_organization(
        service_classes=(ServiceClass.CHILDREN,), districts=(here,)
    )
    # when the project's matches are asked for,
    matches = await matches_for(gql, project.id)
    # then it is not among them, and every recommended organization works in mediation.
    assert other.name not in [m["organization"]["name"] for m in matches]
    assert all("MEDIATION" in m["organization"]["serviceClasses"] for m in matches)


@pytest.mark.parametrize("first", [0, -1, 21, 1000])
async def test_matching_count_out_of_range_is_refused(client, first):
    # Given a project, when 0, negative or more than 20 matches are asked for,
    fair = await factories.fair()
    project = await factories.project(fair)
    response = await post(
        client, MATCHING_ORGANIZATIONS, {"id": gid("Project", project.id), "first": first}
    )
    # then the answer is a clear error.
    assert response.status_code == 200
    result = response.json()
    assert_refused(result)
    assert "first" in messages(result)


async def test_matching_projects_are_open_projects_of_its_classes(gql):
    # Given an elderly-care organization serving one district, and in that district an
    # open elderly project, a children's project, a claimed elderly project and an
    # elderly project of a closed fair,
    fair, past = await factories.fair(), await factories.fair(closed=True)
    here = await factories.district()
    org = await factories.elite_organization(districts=(here,))
    wanted = await factories.project(fair, in_district=here, title="老年助餐点运营")
    children = await factories.project(fair, in_district=here, service_class=ServiceClass.CHILDREN)
    claimed = await factories.project(fair, in_district=here, status=ProjectStatus.CLAIMED)
    closed = await factories.project(past, in_district=here)
    # when its matching projects are asked for,
    result = await gql(MATCHING_PROJECTS, {"id": gid("Organization", org.id), "first": 5})
    assert "errors" not in result, result.get("errors")
    matches = result["data"]["node"]["matchingProjects"]
    ids = [m["project"]["id"] for m in matches]
    # then the open elderly project leads, with reasons naming the district,
    assert ids[0] == gid("Project", wanted.id)
    assert any(here.name in r for r in matches[0]["reasons"])
    # and the others are not recommended.
    for left_out in (children, claimed, closed):
        assert gid("Project", left_out.id) not in ids
    assert all(m["project"]["status"] in ("PUBLISHED", "BIDDING") for m in matches)
    assert all(0 <= m["score"] <= 1 for m in matches)


async def test_matching_projects_for_a_page_of_organizations(gql):
    # Given an elderly-care and a children's organization serving one district, and an
    # open project of each class there,
    fair = await factories.fair()
    here = await factories.district()
    elderly_org = await factories.elite_organization(districts=(here,))
    children_org = await factories.elite_organization(
        service_classes=(ServiceClass.CHILDREN,), districts=(here,)
    )
    elderly = await factories.project(fair, in_district=here)
    children = await factories.project(fair, in_district=here, service_class=ServiceClass.CHILDREN)
    # when the district's organizations are listed with their matching projects,
    result = await gql(
        ORGANIZATIONS_WITH_MATCHES, {"filter": {"district": [gid("District", here.id)]}}
    )
    assert "errors" not in result, result.get("errors")
    # then each organization is matched first to the local project of its own class.
    first_match = {
        e["node"]["name"]: e["node"]["matchingProjects"][0]["project"]["id"]
        for e in result["data"]["organizations"]["edges"]
    }
    assert first_match == {
        elderly_org.name: gid("Project", elderly.id),
        children_org.name: gid("Project", children.id),
    }


async def test_matching_projects_of_a_restricted_organization_is_empty(gql):
    # Given an organization under credit restriction and an open project of its class,
    fair = await factories.fair()
    here = await factories.district()
    await factories.project(fair, in_district=here)
    org = await factories.elite_organization(
        districts=(here,), restricted_until=factories.now() + timedelta(days=90)
    )
    # when its matching projects are asked for, then there are none.
    result = await gql(MATCHING_PROJECTS, {"id": gid("Organization", org.id), "first": 5})
    assert "errors" not in result, result.get("errors")
    assert result["data"]["node"]["matchingProjects"] == []


async def test_matching_works_for_a_fair_that_has_just_opened(gql):
    # Given a fair that opened a minute ago, with a project, and a local organization,
    fair = await factories.fair(opened=timedelta(minutes=1))
    here = await factories.district()
    project = await factories.project(fair, in_district=here)
    org = await factories.elite_organization(districts=(here,))
    # when the organization's matching projects are asked for, then the project is there.
    result = await gql(MATCHING_PROJECTS, {"id": gid("Organization", org.id), "first": 5})
    ids = [m["project"]["id"] for m in result["data"]["node"]["matchingProjects"]]
    assert gid("Project", project.id) in ids
