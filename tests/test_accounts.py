"""Creating accounts: validation, links that fit the role, and a taken username."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from starlette.applications import Starlette

from api.auth import accounts
from api.auth.accounts import create_account
from api.auth.models import Account, Role
from api.auth.passwords import verify_password
from api.errors import DomainError, ErrorCode
from api.organizations.creditcode import make_credit_code
from api.organizations.models import Organization
from api.places.models import District, Publisher, PublisherKind
from api.supervisors.models import Supervisor

PASSWORD = "correct horse"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def orm(app: Starlette) -> AsyncIterator[None]:
    """The app's database, left as found: the accounts made here are removed afterwards."""
    last = await Account.all().order_by("-id").first()
    yield
    await Account.filter(id__gt=last.id if last else 0).delete()


def unique(prefix: str) -> str:
    # Names never collide with other tests' rows or with each other.
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def organization(orm: None) -> AsyncIterator[Organization]:
    # 5 = social organization, 1 = registered, then a division code and a random serial.
    body = "51" + f"{uuid.uuid4().int % 10**15:015d}"
    organization = await Organization.create(
        name=unique("社工服务中心"), credit_code=make_credit_code(body)
    )
    yield organization
    await Account.filter(organization_id=organization.id).delete()
    await organization.delete()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def supervisor(orm: None) -> AsyncIterator[Supervisor]:
    supervisor = await Supervisor.create(name="王督导", affiliation=unique("南京大学"))
    yield supervisor
    await Account.filter(supervisor_id=supervisor.id).delete()
    await supervisor.delete()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def publisher(orm: None) -> AsyncIterator[Publisher]:
    district = await District.create(code=uuid.uuid4().hex[:12], name=unique("测试区"))
    publisher = await Publisher.create(
        name=unique("社区居委会"), kind=PublisherKind.COMMUNITY, district=district
    )
    yield publisher
    await Account.filter(publisher_id=publisher.id).delete()
    await publisher.delete()
    await district.delete()


def codes(error: DomainError) -> list[tuple[ErrorCode, list[str] | None]]:
    return [(p.code, p.field) for p in error.problems]


async def test_organizer_account_is_created_with_a_hashed_password(orm: None) -> None:
    username = unique("organizer")
    account = await create_account(username, PASSWORD, Role.ORGANIZER)
    stored = await Account.get(id=account.id)
    assert stored.username == username
    assert stored.role == Role.ORGANIZER
    assert stored.password_hash != PASSWORD
    assert verify_password(stored.password_hash, PASSWORD)
    assert (stored.organization_id, stored.supervisor_id, stored.publisher_id) == (None,) * 3


async def test_each_role_takes_its_own_link(
    organization: Organization, supervisor: Supervisor, publisher: Publisher
) -> None:
    org = await create_account(
        unique("org"), PASSWORD, Role.ORGANIZATION, organization_id=organization.id
    )
    sup = await create_account(
        unique("sup"), PASSWORD, Role.SUPERVISOR, supervisor_id=supervisor.id
    )
    rev = await create_account(unique("rev"), PASSWORD, Role.REVIEWER, supervisor_id=supervisor.id)
    pub = await create_account(unique("pub"), PASSWORD, Role.PUBLISHER, publisher_id=publisher.id)
    assert org.organization_id == organization.id
    assert sup.supervisor_id == supervisor.id
    assert rev.supervisor_id == supervisor.id
    assert pub.publisher_id == publisher.id


@pytest.mark.parametrize("username", ["ab", "x" * 65, "王小明", "has space", "semi;colon", ""])
async def test_malformed_username_is_refused(orm: None, username: str) -> None:
    with pytest.raises(DomainError) as caught:
        await create_account(username, PASSWORD, Role.ORGANIZER)
    assert codes(caught.value) == [(ErrorCode.INVALID_INPUT, ["username"])]
    assert "用户名" in caught.value.problems[0].message


async def test_username_of_allowed_characters_and_limits_is_accepted(orm: None) -> None:
    username = "a._-" + uuid.uuid4().hex + "Z" * 28
    assert len(username) == 64
    account = await create_account(username, PASSWORD, Role.ORGANIZER)
    assert account.username == username


async def test_short_password_is_refused(orm: None) -> None:
    with pytest.raises(DomainError) as caught:
        await create_account(unique("user"), "1234567", Role.ORGANIZER)
    assert codes(caught.value) == [(ErrorCode.INVALID_INPUT, ["password"])]


@pytest.mark.parametrize(
    "password",
    [
        "12345678",  # the attack run's examples: short and common
        "password",
        " " * 8,
        " " * 12,  # long enough, but only spaces
        "1234567890",  # long enough, yet the first thing anyone tries
        "password123",
        "qwertyuiop",  # a keyboard walk
        "a" * 1_000_000,  # past the maximum length
        "x" * 129,
    ],
    ids=lambda p: repr(p[:12]) + (f"…({len(p)})" if len(p) > 12 else ""),
)
async def test_weak_common_or_huge_passwords_are_refused(orm: None, password: str) -> None:
    # Given a password that is short, common, guessable or far too long,
    # when an account is created with it, then it is refused on the password field.
    with pytest.raises(DomainError) as caught:
        await create_account(unique("user"), password, Role.ORGANIZER)
    assert codes(caught.value) == [(ErrorCode.INVALID_INPUT, ["password"])]


async def test_a_password_containing_the_username_is_refused(orm: None) -> None:
    username = unique("nanjing-helper")
    with pytest.raises(DomainError) as caught:
        await create_account(username, username + "1", Role.ORGANIZER)
    assert codes(caught.value) == [(ErrorCode.INVALID_INPUT, ["password"])]


async def test_a_long_uncommon_passphrase_is_accepted(orm: None) -> None:
    passphrase = "秦淮河边的社工站 opens at 8:30" + "x" * 90  # 118 characters, under the maximum
    account = await create_account(unique("user"), passphrase, Role.ORGANIZER)
    assert verify_password(account.password_hash, passphrase)


async def test_every_problem_is_reported_at_once(orm: None) -> None:
    with pytest.raises(DomainError) as caught:
        await create_account("x", "short", Role.ORGANIZATION)
    assert codes(caught.value) == [
        (ErrorCode.INVALID_INPUT, ["username"]),
        (ErrorCode.INVALID_INPUT, ["password"]),
        (ErrorCode.INVALID_INPUT, ["organization"]),
    ]


async def test_taken_username_is_refused(orm: None) -> None:
    username = unique("taken")
    await create_account(username, PASSWORD, Role.ORGANIZER)
    with pytest.raises(DomainError) as caught:
        await create_account(username, "another password", Role.ORGANIZER)
    assert codes(caught.value) == [(ErrorCode.INVALID_INPUT, ["username"])]
    assert await Account.filter(username=username).count() == 1


@pytest.mark.parametrize(
    ("role", "field"),
    [
        (Role.ORGANIZATION, "organization"),
        (Role.SUPERVISOR, "supervisor"),
        (Role.REVIEWER, "supervisor"),
        (Role.PUBLISHER, "publisher"),
    ],
)
async def test_role_without_its_link_is_refused(orm: None, role: Role, field: str) -> None:
    with pytest.raises(DomainError) as caught:
        await create_account(unique("nolink"), PASSWORD, role)
    assert codes(caught.value) == [(ErrorCode.INVALID_INPUT, [field])]


async def test_link_that_does_not_fit_the_role_is_refused(
    organization: Organization, supervisor: Supervisor, publisher: Publisher
) -> None:
    with pytest.raises(DomainError) as caught:
        await create_account(
            unique("misfit"),
            PASSWORD,
            Role.ORGANIZER,
            organization_id=organization.id,
            supervisor_id=supervisor.id,
            publisher_id=publisher.id,
        )
    assert codes(caught.value) == [
        (ErrorCode.INVALID_INPUT, ["organization"]),
        (ErrorCode.INVALID_INPUT, ["supervisor"]),
        (ErrorCode.INVALID_INPUT, ["publisher"]),
    ]
    with pytest.raises(DomainError) as caught:
        await create_account(
            unique("misfit"),
            PASSWORD,
            Role.PUBLISHER,
            publisher_id=publisher.id,
            organization_id=organization.id,
        )
    assert codes(caught.value) == [(ErrorCode.INVALID_INPUT, ["organization"])]


@pytest.mark.parametrize(
    ("role", "link"),
    [
        (Role.ORGANIZATION, "organization"),
        (Role.SUPERVISOR, "supervisor"),
        (Role.PUBLISHER, "publisher"),
    ],
)
async def test_link_to_a_missing_body_is_not_found(orm: None, role: Role, link: str) -> None:
    missing = {f"{link}_id": 2_000_000_000}
    with pytest.raises(DomainError) as caught:
        await create_account(unique("ghost"), PASSWORD, role, **missing)
    assert codes(caught.value) == [(ErrorCode.NOT_FOUND, [link])]


async def test_unknown_role_is_refused(orm: None) -> None:
    with pytest.raises(DomainError) as caught:
        await create_account(unique("who"), PASSWORD, "ADMIN")  # type: ignore[arg-type]
    assert codes(caught.value) == [(ErrorCode.INVALID_INPUT, ["role"])]


async def test_concurrent_requests_for_one_username_create_one_account(orm: None) -> None:
    username = unique("race")
    results = await asyncio.gather(
        *(create_account(username, PASSWORD, Role.ORGANIZER) for _ in range(4)),
        return_exceptions=True,
    )
    created = [r for r in results if isinstance(r, Account)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(created) == 1
    assert len(refused) == 3
    assert all(codes(e) == [(ErrorCode.INVALID_INPUT, ["username"])] for e in refused)


async def test_insert_losing_the_race_maps_to_the_same_error(
    orm: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Force the race: the pre-check sees the username free, the unique index refuses it.
    username = unique("lost")
    await create_account(username, PASSWORD, Role.ORGANIZER)
    real_check = accounts._database_problems
    calls = []

    async def first_check_misses(*args: object) -> list:
        calls.append(args)
        return [] if len(calls) == 1 else await real_check(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(accounts, "_database_problems", first_check_misses)
    with pytest.raises(DomainError) as caught:
        await create_account(username, PASSWORD, Role.ORGANIZER)
    assert codes(caught.value) == [(ErrorCode.INVALID_INPUT, ["username"])]
    assert len(calls) == 2
    assert await Account.filter(username=username).count() == 1
