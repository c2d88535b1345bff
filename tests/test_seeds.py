"""The seed data: the demo scale loads, loads idempotently, and keeps the fair's rules."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import pytest_asyncio
from starlette.applications import Starlette
from tortoise.queryset import QuerySet

from api.auth.models import Account, Role
from api.auth.passwords import verify_password
from api.bidding.models import Award, Bid, BidStatus
from api.catalog.models import CatalogItem
from api.contracts.models import Evaluation, Payment, PaymentStatus
from api.fairs.models import DEFAULT_CRITERIA, DEFAULT_EVALUATION_COMPONENTS, Fair
from api.money import CENT
from api.organizations.creditcode import is_valid_credit_code
from api.organizations.models import Organization
from api.places.models import District, Publisher, PublisherKind
from api.projects.models import Procurement, Project, ProjectStatus
from api.supervisors.models import Assignment, Supervisor
from seeds import DEMO_ACCOUNTS, SCALES, generate, showcase
from seeds.catalog import catalog_items
from seeds.generator import TIMEZONE
from seeds.loader import load
from seeds.nanjing import DISTRICTS, publishers

NOW = datetime(2026, 5, 20, 9, 30, tzinfo=TIMEZONE)
# What the demo scale seeds, by natural key: the session database may hold other rows.
DEMO = generate("demo", now=NOW)
DEMO_CODES = [o.credit_code for o in DEMO.organizations]
DEMO_PHONES = [s.contact_phone for s in DEMO.supervisors]
DEMO_EDITIONS = [fair.edition for fair in DEMO.fairs]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def first_load(app: Starlette) -> dict[str, int]:
    """The demo scale loaded into the session's database (see conftest)."""
    stages: list[tuple[str, int, int]] = []
    counts = await load("demo", progress=lambda *event: stages.append(event))
    assert stages, "the progress callback is called"
    assert all(0 <= done <= total for _, done, total in stages)
    return counts


def seeded_projects() -> QuerySet[Project]:
    return Project.filter(fair__edition__in=DEMO_EDITIONS)


def seeded_organizations() -> QuerySet[Organization]:
    return Organization.filter(credit_code__in=DEMO_CODES)


# --- loading -------------------------------------------------------------------------


async def test_demo_load_creates_every_seeded_row(first_load: dict[str, int]) -> None:
    # Given the demo scale loaded, then every seeded row is there, exactly once
    demo = SCALES["demo"]
    assert await District.filter(code__in=[d.code for d in DISTRICTS]).count() == 11
    assert first_load["publisher"] >= len(publishers())
    assert await CatalogItem.filter(code__in=[i.code for i in catalog_items()]).count() == len(
        catalog_items()
    )
    assert await Project.filter(fair__edition=6).count() == demo.projects
    assert await Project.filter(fair__edition=5).count() == 30  # the past fair
    assert await seeded_organizations().count() == demo.organizations
    assert await Supervisor.filter(contact_phone__in=DEMO_PHONES).count() == demo.supervisors
    usernames = [a.username for a in DEMO_ACCOUNTS]
    assert await Account.filter(username__in=usernames).count() == len(DEMO_ACCOUNTS)
    for table in (
        "organization_district",
        "organization_service_class",
        "supervisor_district",
        "supervisor_expertise",
        "match_slot",
    ):
        assert first_load[table] > 0, table


async def test_second_load_changes_nothing(first_load: dict[str, int]) -> None:
    # Given the demo scale already loaded, when it is loaded again, then the counts stay
    assert await load("demo") == first_load


async def test_every_pool_member_has_links(first_load: dict[str, int]) -> None:
    # Given the loaded pools, then each organization and supervisor has districts and classes
    organizations = await seeded_organizations().prefetch_related(
        "districts", "service_class_links", "match_slots"
    )
    assert all(o.districts and o.service_class_links and o.match_slots for o in organizations)
    supervisors = await Supervisor.filter(contact_phone__in=DEMO_PHONES).prefetch_related(
        "districts", "expertise_links"
    )
    assert all(s.districts and s.expertise_links for s in supervisors)
    assert all(3 <= s.max_load <= 8 for s in supervisors)
    assert any(s.affiliated_organization_id for s in supervisors), "some conflicts of interest"


# --- the fair's rules ----------------------------------------------------------------


async def test_credit_codes_are_valid_social_organization_codes(first_load: dict[str, int]) -> None:
    codes = await seeded_organizations().values_list("credit_code", flat=True)
    assert len(codes) == len(DEMO_CODES)
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert is_valid_credit_code(code), code
        assert code.startswith("5") and code[2:6] == "3201", code


async def test_budgets_are_exact_and_split_exactly(first_load: dict[str, int]) -> None:
    # Given every seeded project, then money has two places and the funding adds up
    for project in await seeded_projects():
        assert isinstance(project.budget, Decimal)
        assert project.budget == project.budget.quantize(CENT)
        assert project.budget.as_tuple().exponent == -2
        assert project.city_funding + project.district_funding == project.budget


async def test_large_projects_need_two_social_workers(first_load: dict[str, int]) -> None:
    large = (
        await seeded_projects()
        .filter(budget__gte=Decimal("100000"))
        .values_list("min_social_workers", flat=True)
    )
    assert large, "the demo fair has projects of 100,000 or more"
    assert min(large) >= 2


async def test_projects_use_purchasable_items_of_their_class(first_load: dict[str, int]) -> None:
    assert await CatalogItem.filter(negative_list=True).exists()
    assert not await seeded_projects().filter(catalog_item__negative_list=True).exists()
    for project in await seeded_projects().prefetch_related("catalog_item"):
        assert project.catalog_item.service_class == project.service_class


async def test_publishers_fit_where_projects_are_delivered(first_load: dict[str, int]) -> None:
    streets = {p.id: p for p in await Publisher.filter(kind=PublisherKind.STREET)}
    for project in await seeded_projects().prefetch_related("publisher"):
        publisher = project.publisher
        if publisher.kind is PublisherKind.CITY_DEPARTMENT:
            continue  # city departments buy services in every district
        assert publisher.district_id == project.district_id
        if publisher.kind is PublisherKind.COMMUNITY:
            assert project.community == publisher.name
            assert publisher.parent_id in streets


async def test_seeded_projects_are_published_with_unique_codes(first_load: dict[str, int]) -> None:
    rows = await seeded_projects().values_list("fair_id", "code", "status")
    assert len({(fair, code) for fair, code, _ in rows}) == len(rows)
    assert all(re.fullmatch(r"20\d\d-[A-Z]{2}-\d{4}", code) for _, code, _ in rows)
    current = await Fair.get(edition=6)
    statuses = Counter(status for fair, _, status in rows if fair == current.id)
    # open for claims, but for the few the demo's organizations already claimed or bid for
    # and the one the showcase withdrew (seeds/showcase.py)
    assert set(statuses) == {
        ProjectStatus.PUBLISHED,
        ProjectStatus.CLAIMED,
        ProjectStatus.BIDDING,
        ProjectStatus.WITHDRAWN,
    }
    assert statuses[ProjectStatus.PUBLISHED] >= 190
    assert statuses[ProjectStatus.WITHDRAWN] == 1


async def test_every_demo_role_has_something_to_do(first_load: dict[str, int]) -> None:
    # Given the demo data, when each demo account first logs in:
    current = await Fair.get(edition=6)
    accounts = {a.username: a for a in await Account.filter(username__in=["publisher", "supervisor"])}
    # the organizer has claims to confirm, one of them on the demo publisher's own project;
    claimed = await Project.filter(fair=current, status=ProjectStatus.CLAIMED)
    assert len(claimed) == 2
    assert accounts["publisher"].publisher_id in {p.publisher_id for p in claimed}
    # the reviewer has competitive bids to score, two on each project;
    bidding = await Project.filter(fair=current, status=ProjectStatus.BIDDING)
    assert len(bidding) == 2
    for project in bidding:
        assert await Bid.filter(project=project, status=BidStatus.SUBMITTED).count() == 2
    # none of them by the demo organization, whose first claim is the visitor's to make;
    organization = await Account.get(username="org")
    assert not await Bid.filter(project__fair=current, organization_id=organization.organization_id).exists()
    # and the supervisor follows projects of the past fair still in delivery.
    followed = await Assignment.filter(
        supervisor_id=accounts["supervisor"].supervisor_id
    ).values_list("project__status", flat=True)
    assert followed == [ProjectStatus.IN_DELIVERY] * 3


async def test_the_past_fair_was_played_through_the_workflow(first_load: dict[str, int]) -> None:
    # Given the demo data, when the past fair is read, then its results show a finished
    # fair: projects closed with three paid tranches, some in delivery, one terminated
    # (with the demo organization's two of the showcase: one closed, one in delivery).
    past = await Fair.get(edition=5)
    statuses = await Project.filter(fair=past).values_list("status", flat=True)
    assert statuses.count(ProjectStatus.CLOSED) == 7 + 1
    assert statuses.count(ProjectStatus.IN_DELIVERY) == 4 + 1
    assert statuses.count(ProjectStatus.TERMINATED) == 1
    closed = await Project.filter(fair=past, status=ProjectStatus.CLOSED).first()
    assert closed is not None
    paid = await Payment.filter(project_id=closed.id, status=PaymentStatus.PAID).count()
    assert paid == 3


async def test_the_demo_organization_has_a_record_across_fairs(
    first_load: dict[str, int],
) -> None:
    # Given the demo data, the demo organization was awarded projects in two fairs, all
    # its evaluations passed (so it may still claim), and one project of the open fair
    # was withdrawn with its bid released.
    demo = await Organization.get(credit_code=DEMO.organizations[0].credit_code)
    editions = await Award.filter(organization_id=demo.id).values_list(
        "project__fair__edition", flat=True
    )
    assert sorted(set(editions)) == [showcase.EARLIER_EDITION, 5]
    assert demo.restricted_until is None
    assert not await Evaluation.filter(project__award__organization_id=demo.id, passed=False)
    withdrawn = await Project.get(fair__edition=6, status=ProjectStatus.WITHDRAWN)
    assert withdrawn.withdrawal_reason == showcase.WITHDRAWAL_REASON
    [released] = await Bid.filter(project_id=withdrawn.id)
    assert released.release_notice == showcase.WITHDRAWAL_REASON


async def test_demo_fair_is_open_and_past_fair_closed(first_load: dict[str, int]) -> None:
    now = datetime.now(TIMEZONE)
    current = await Fair.get(edition=6)
    assert current.opens_at < now < current.closes_at
    assert current.criteria == DEFAULT_CRITERIA
    assert current.evaluation_components == DEFAULT_EVALUATION_COMPONENTS
    past = await Fair.get(edition=5)
    assert past.closes_at < now
    assert await Project.filter(fair=past).count() == 30


async def test_demo_accounts_log_in_and_act_for_their_body(first_load: dict[str, int]) -> None:
    usernames = [a.username for a in DEMO_ACCOUNTS]
    accounts = {
        a.username: a
        for a in await Account.filter(username__in=usernames).prefetch_related(
            "organization", "publisher", "supervisor"
        )
    }
    assert {a.role for a in accounts.values()} == set(Role)
    for demo in DEMO_ACCOUNTS:
        assert verify_password(accounts[demo.username].password_hash, demo.password)
    organization = accounts["org"].organization
    assert organization.social_workers >= 3 and organization.grade == "4A"
    publisher = accounts["publisher"].publisher
    assert publisher.kind is PublisherKind.STREET and publisher.name == "大光路街道"
    assert accounts["reviewer"].supervisor is not None
    assert accounts["supervisor"].supervisor is not None


# --- the generator -------------------------------------------------------------------


def test_generator_is_deterministic() -> None:
    # Given the same scale, seed and clock, when generated twice, then the data is equal
    assert generate("demo", now=NOW) == DEMO
    # and another seed gives other data
    assert generate("demo", now=NOW).fairs != generate("demo", seed=7, now=NOW).fairs


def test_generator_rejects_an_unknown_scale() -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        generate("galaxy")


def test_city_scale_shares() -> None:
    # Given the city scale, then its mix matches the brief: ~60/40, ~15% key support
    seed = generate("city", now=NOW)
    projects = seed.fairs[0].projects
    assert len(projects) == SCALES["city"].projects
    direct = Counter(p.procurement for p in projects)[Procurement.DIRECT] / len(projects)
    assert 0.5 < direct < 0.7
    key = sum(p.key_support for p in projects) / len(projects)
    assert 0.1 < key < 0.2
    assert Counter(p.service_period_months for p in projects).most_common(1)[0][0] == 12
    codes = [o.credit_code for o in seed.organizations]
    assert len(set(codes)) == len(codes)
    assert len({s.contact_phone for s in seed.supervisors}) == len(seed.supervisors)


def test_fair_window_follows_the_clock() -> None:
    current = generate("demo", now=NOW).fairs[-1]
    assert current.opens_at == NOW - timedelta(days=1)
    assert current.closes_at == NOW + timedelta(days=30)


async def test_the_demo_has_an_open_survey_past_its_threshold(first_load: dict[str, int]) -> None:
    # Given the demo loaded, then one project in delivery has an open survey window whose
    # answers are past the threshold, with comments published and one left to moderate
    from api.surveys.aggregate import satisfaction_of
    from api.surveys.models import CommentStatus, SatisfactionSurvey, SurveyAnswer

    surveys = await SatisfactionSurvey.filter(project__fair__edition__in=DEMO_EDITIONS)
    assert len(surveys) == 1
    survey = surveys[0]
    assert (await Project.get(id=survey.project_id)).status == "IN_DELIVERY"
    figures = (await satisfaction_of([survey.project_id]))[survey.project_id]
    assert figures.shown and figures.count == 24 and figures.score == 80.2
    statuses = await SurveyAnswer.filter(survey_id=survey.id, comment__isnull=False).values_list(
        "comment_status", flat=True
    )
    assert sorted(statuses) == sorted(
        [CommentStatus.APPROVED, CommentStatus.APPROVED, CommentStatus.PENDING]
    )
