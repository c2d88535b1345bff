"""Load a generated data set into the database, idempotently.

Run with Tortoise initialised and the schema migrated. Every row has a natural key —
district code, (district, publisher name), catalogue code, fair edition, (fair, project
code), credit code, a supervisor's phone number, a username — and rows whose key is
already present are reused, so loading twice leaves the same rows as loading once, and
a load that was interrupted can simply be run again.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import cast

from tortoise import connections
from tortoise.transactions import in_transaction

from api.auth.models import Account
from api.catalog.models import CatalogItem
from api.fairs.models import DEFAULT_CRITERIA, DEFAULT_EVALUATION_COMPONENTS, Fair
from api.matching.models import MatchSlot
from api.organizations.models import Organization, OrganizationServiceClass
from api.places.models import District, Publisher
from api.projects.models import Project, ProjectStatus
from api.supervisors.models import Supervisor, SupervisorExpertise
from seeds import showcase
from seeds.accounts import PublisherKey, ensure_demo_accounts
from seeds.bulk import (
    BATCH,
    LOOKUP_CHUNK,
    Progress,
    batches,
    count_table,
    ids_by,
    insert_rows,
    quiet,
)
from seeds.catalog import catalog_items
from seeds.current import play_current_fair
from seeds.generator import FairSeed, OrganizationSeed, Seed, SupervisorSeed, generate
from seeds.history import play_past_fair
from seeds.nanjing import DISTRICTS, publishers
from seeds.projects import ProjectSeed
from seeds.surveys import open_demo_survey


async def load(scale: str = "demo", *, progress: Progress | None = None) -> dict[str, int]:
    """Load the ``scale`` data set; returns the number of rows in each seeded table."""
    report = progress or quiet
    seed = generate(scale)
    districts = await ensure_districts(report)
    publisher_ids = await ensure_publishers(districts, report)
    items = await ensure_catalog(report)
    organizations = await load_organizations(seed.organizations, districts, report)
    await rebuild_index(list(organizations.values()), report)
    supervisors = await load_supervisors(seed.supervisors, districts, organizations, report)
    for fair in seed.fairs:
        await load_fair(fair, districts, publisher_ids, items, report)
    if scale == "demo":
        await ensure_demo_accounts(seed, publisher_ids, organizations, supervisors, report)
        await play_past_fair(min(f.edition for f in seed.fairs))
        demo_org = organizations.get(seed.organizations[0].credit_code)
        # The open fair's claims and bids first: it plays only a fair nobody has touched.
        await play_current_fair(max(f.edition for f in seed.fairs), demo_org)
        await _showcase(seed, districts, publisher_ids, items, organizations, report)
        await open_demo_survey(min(f.edition for f in seed.fairs))
    await refresh_statistics()
    return await count_rows()


async def _showcase(
    seed: Seed,
    districts: dict[str, int],
    publisher_ids: dict[PublisherKey, int],
    items: dict[str, int],
    organizations: dict[str, int],
    report: Progress,
) -> None:
    """The demo organization's record across fairs and a withdrawn project (showcase)."""
    demo = seed.organizations[0]
    past, current = seed.fairs[0], seed.fairs[-1]
    earlier = showcase.earlier_fair(frozenset(str(c) for c in demo.service_classes), past)
    await load_fair(earlier, districts, publisher_ids, items, report)
    await showcase.play_record(organizations[demo.credit_code], past.edition, report)
    await showcase.withdraw_one(current.edition, organizations[demo.credit_code], report)


async def refresh_statistics() -> None:
    """Let PostgreSQL's planner see the bulk-loaded tables before anyone queries them."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script("ANALYZE")


# --- places and catalogue --------------------------------------------------------------


async def ensure_districts(report: Progress) -> dict[str, int]:
    """``{code: id}`` of Nanjing's districts, creating those that are missing."""
    existing = dict(await District.all().values_list("code", "id"))
    missing = [d for d in DISTRICTS if d.code not in existing]
    if missing:
        async with in_transaction() as conn:
            await District.bulk_create(
                [District(code=d.code, name=d.name, sort=DISTRICTS.index(d)) for d in missing],
                using_db=conn,
            )
        existing = dict(await District.all().values_list("code", "id"))
    report("行政区 / districts", len(DISTRICTS), len(DISTRICTS))
    return existing


async def _publisher_ids(districts: dict[str, int]) -> dict[PublisherKey, int]:
    code_of = {pk: code for code, pk in districts.items()}
    rows = await Publisher.all().values_list("district_id", "name", "id")
    return {(code_of[d], name): pk for d, name, pk in rows if d in code_of}


async def ensure_publishers(
    districts: dict[str, int], report: Progress
) -> dict[PublisherKey, int]:
    """``{(district code, name): id}`` of all publishers; streets go in before communities."""
    wanted = publishers()
    existing = await _publisher_ids(districts)
    # Two passes, because a community's parent (its street) needs an id first.
    for with_parent in (False, True):
        rows = [
            p for p in wanted
            if (p.parent is not None) == with_parent and (p.district_code, p.name) not in existing
        ]
        if not rows:
            continue
        async with in_transaction() as conn:
            await Publisher.bulk_create(
                [
                    Publisher(
                        name=p.name,
                        kind=p.kind,
                        district_id=districts[p.district_code],
                        parent_id=existing[(p.district_code, p.parent)] if p.parent else None,
                    )
                    for p in rows
                ],
                batch_size=BATCH,
                using_db=conn,
            )
        existing = await _publisher_ids(districts)
    report("发布单位 / publishers", len(wanted), len(wanted))
    return existing


async def ensure_catalog(report: Progress) -> dict[str, int]:
    """``{code: id}`` of the purchase catalogue's items."""
    wanted = catalog_items()
    existing = dict(await CatalogItem.all().values_list("code", "id"))
    missing = [item for item in wanted if item.code not in existing]
    if missing:
        async with in_transaction() as conn:
            await CatalogItem.bulk_create(
                [
                    CatalogItem(
                        code=item.code, name=item.name, service_class=item.service_class,
                        negative_list=item.negative, note=item.note,
                    )
                    for item in missing
                ],
                using_db=conn,
            )
        existing = dict(await CatalogItem.all().values_list("code", "id"))
    report("服务目录 / catalogue", len(wanted), len(wanted))
    return existing


# --- the organization pool -------------------------------------------------------------


def _organization(seed: OrganizationSeed) -> Organization:
    return Organization(
        name=seed.name,
        credit_code=seed.credit_code,
        registration_kind=seed.registration_kind,
        social_workers=seed.social_workers,
        grade=seed.grade,
        contact_name=seed.contact_name,
        contact_phone=seed.contact_phone,
        introduction=seed.introduction,
    )


async def load_organizations(
    seeds: Sequence[OrganizationSeed], districts: dict[str, int], report: Progress
) -> dict[str, int]:
    """``{credit code: id}`` of the scale's organizations, inserting the missing ones."""
    stage = "社会组织 / organizations"
    ids = await ids_by(Organization, "credit_code", [s.credit_code for s in seeds])
    missing = [s for s in seeds if s.credit_code not in ids]
    report(stage, len(ids), len(seeds))
    for batch in batches(missing):
        async with in_transaction() as conn:
            await Organization.bulk_create([_organization(s) for s in batch], using_db=conn)
            # bulk_create does not return integer keys: read them back by credit code.
            new = await ids_by(Organization, "credit_code", [s.credit_code for s in batch], conn)
            await OrganizationServiceClass.bulk_create(
                [
                    OrganizationServiceClass(organization_id=new[s.credit_code], service_class=c)
                    for s in batch
                    for c in s.service_classes
                ],
                using_db=conn,
            )
            await insert_rows(
                conn, "organization_district", ("organization_id", "district_id"),
                [[new[s.credit_code], districts[d]] for s in batch for d in s.district_codes],
            )
        ids.update(new)
        report(stage, len(ids), len(seeds))
    return ids


async def rebuild_index(organization_ids: list[int], report: Progress) -> None:
    """Index the organizations that have no match slots yet.

    On a first load that is all of them; on a repeated load, only those a previous,
    interrupted run inserted but did not get to index. Every seeded organization works
    in at least one class, so each indexed one has slots.
    """
    from api.matching.index import rebuild

    stage = "匹配索引 / matching index"
    indexed: set[int] = set()
    for chunk in batches(organization_ids, LOOKUP_CHUNK):
        rows = await MatchSlot.filter(organization_id__in=list(chunk)).distinct().values_list(
            "organization_id", flat=True
        )
        indexed.update(cast(list[int], rows))
    pending = [pk for pk in organization_ids if pk not in indexed]
    report(stage, len(indexed), len(organization_ids))
    if pending:
        await rebuild(pending)
    report(stage, len(organization_ids), len(organization_ids))


# --- the supervisor pool ---------------------------------------------------------------


def _supervisor(seed: SupervisorSeed, organizations: dict[str, int]) -> Supervisor:
    code = seed.affiliated_credit_code
    return Supervisor(
        name=seed.name,
        title=seed.title,
        affiliation=seed.affiliation,
        affiliated_organization_id=organizations[code] if code else None,
        contact_phone=seed.contact_phone,
        max_load=seed.max_load,
    )


async def load_supervisors(
    seeds: Sequence[SupervisorSeed],
    districts: dict[str, int],
    organizations: dict[str, int],
    report: Progress,
) -> dict[str, int]:
    """``{phone: id}`` of the scale's supervisors (the phone is their natural key)."""
    stage = "督导专家 / supervisors"
    ids = await ids_by(Supervisor, "contact_phone", [s.contact_phone for s in seeds])
    missing = [s for s in seeds if s.contact_phone not in ids]
    report(stage, len(ids), len(seeds))
    for batch in batches(missing):
        async with in_transaction() as conn:
            await Supervisor.bulk_create(
                [_supervisor(s, organizations) for s in batch], using_db=conn
            )
            new = await ids_by(Supervisor, "contact_phone", [s.contact_phone for s in batch], conn)
            await SupervisorExpertise.bulk_create(
                [
                    SupervisorExpertise(supervisor_id=new[s.contact_phone], service_class=c)
                    for s in batch
                    for c in s.expertise
                ],
                using_db=conn,
            )
            await insert_rows(
                conn, "supervisor_district", ("supervisor_id", "district_id"),
                [[new[s.contact_phone], districts[d]] for s in batch for d in s.district_codes],
            )
        ids.update(new)
        report(stage, len(ids), len(seeds))
    return ids


# --- fairs and projects ----------------------------------------------------------------


async def _ensure_fair(seed: FairSeed) -> Fair:
    fair, _ = await Fair.get_or_create(
        edition=seed.edition,
        defaults={
            "name": seed.name,
            "opens_at": seed.opens_at,
            "closes_at": seed.closes_at,
            # Copies: each fair owns its rules, which the organizer may later edit.
            "criteria": copy.deepcopy(DEFAULT_CRITERIA),
            "evaluation_components": copy.deepcopy(DEFAULT_EVALUATION_COMPONENTS),
        },
    )
    return fair


def _project(
    seed: ProjectSeed,
    fair: Fair,
    districts: dict[str, int],
    publisher_ids: dict[PublisherKey, int],
    items: dict[str, int],
) -> Project:
    return Project(
        fair_id=fair.id,
        code=seed.code,
        title=seed.title,
        description=seed.description,
        service_class=seed.service_class,
        catalog_item_id=items[seed.catalog_code],
        project_type=seed.project_type,
        procurement=seed.procurement,
        # Workflow states come from the fair itself; seeded projects are on the table.
        status=ProjectStatus.PUBLISHED,
        budget=seed.budget,
        city_funding=seed.city_funding,
        district_funding=seed.district_funding,
        min_social_workers=seed.min_social_workers,
        key_support=seed.key_support,
        service_period_months=seed.service_period_months,
        beneficiaries=seed.beneficiaries,
        beneficiary_count=seed.beneficiary_count,
        qualifications=seed.qualifications,
        community_opinion=seed.community_opinion,
        publisher_id=publisher_ids[(seed.publisher_district_code, seed.publisher_name)],
        district_id=districts[seed.district_code],
        community=seed.community,
        published_at=fair.opens_at,
    )


async def load_fair(
    seed: FairSeed,
    districts: dict[str, int],
    publisher_ids: dict[PublisherKey, int],
    items: dict[str, int],
    report: Progress,
) -> Fair:
    """The fair edition and its projects; projects already there (by code) are kept."""
    stage = f"项目 / projects（{seed.name}）"
    fair = await _ensure_fair(seed)
    present = set(await Project.filter(fair_id=fair.id).values_list("code", flat=True))
    missing = [p for p in seed.projects if p.code not in present]
    done = len(seed.projects) - len(missing)
    report(stage, done, len(seed.projects))
    for batch in batches(missing):
        async with in_transaction() as conn:
            await Project.bulk_create(
                [_project(p, fair, districts, publisher_ids, items) for p in batch],
                using_db=conn,
            )
        done += len(batch)
        report(stage, done, len(seed.projects))
    return fair


# --- counts ----------------------------------------------------------------------------

COUNTED = (
    District, Publisher, CatalogItem, Fair, Project, Organization, OrganizationServiceClass,
    Supervisor, SupervisorExpertise, MatchSlot, Account,
)
THROUGH_TABLES = ("organization_district", "supervisor_district")


async def count_rows() -> dict[str, int]:
    """Rows per seeded table (the whole table, not only this scale's rows)."""
    counts = {model._meta.db_table: await model.all().count() for model in COUNTED}
    conn = District._meta.db
    for table in THROUGH_TABLES:
        counts[table] = await count_table(conn, table)
    return counts
