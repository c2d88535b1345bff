"""Creating accounts: who may log in, in which role, acting for which body."""

from __future__ import annotations

import asyncio
import re

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.password_policy import password_problems
from api.auth.passwords import hash_password
from api.auth.permissions import require
from api.errors import DomainError, ErrorCode, Problem
from api.organizations.models import Organization
from api.places.models import Publisher
from api.supervisors.models import Supervisor

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{3,64}")

# The body each role acts for; the field names are the createAccount arguments, so the
# GraphQL layer can pass a problem's field through unchanged.
ROLE_LINK: dict[Role, str | None] = {
    Role.ORGANIZER: None,
    Role.ORGANIZATION: "organization",
    Role.SUPERVISOR: "supervisor",
    Role.REVIEWER: "supervisor",
    Role.PUBLISHER: "publisher",
}
LINK_MODELS: dict[str, tuple[type[Model], str]] = {
    "organization": (Organization, "社会组织"),
    "supervisor": (Supervisor, "督导专家库人员"),
    "publisher": (Publisher, "发布单位"),
}
ROLE_NAMES = {
    Role.ORGANIZER: "主办方",
    Role.PUBLISHER: "发布单位",
    Role.ORGANIZATION: "社会组织",
    Role.REVIEWER: "评审专家",
    Role.SUPERVISOR: "督导",
}


async def create_account(
    username: str,
    password: str,
    role: Role,
    *,
    organization_id: int | None = None,
    supervisor_id: int | None = None,
    publisher_id: int | None = None,
) -> Account:
    """Create a login for ``role``, linked to the one body that role acts for.

    Every problem found is reported at once, so a form can show them all.
    """
    links = {
        "organization": organization_id,
        "supervisor": supervisor_id,
        "publisher": publisher_id,
    }
    try:
        role = Role(role)
    except ValueError:
        raise DomainError.one(ErrorCode.INVALID_INPUT, "未知的角色", ["role"]) from None
    problems = _input_problems(username, password, role, links)
    problems += await _database_problems(username, role, links)
    if problems:
        raise DomainError(problems)

    # Argon2 is deliberately slow; hashing off the event loop keeps other requests moving.
    password_hash = await asyncio.to_thread(hash_password, password)
    try:
        # A savepoint when the caller already holds a transaction: a refused insert
        # rolls back alone and leaves the caller's work usable.
        async with in_transaction() as connection:
            return await Account.create(
                username=username,
                password_hash=password_hash,
                role=role,
                organization_id=organization_id,
                supervisor_id=supervisor_id,
                publisher_id=publisher_id,
                using_db=connection,
            )
    except IntegrityError as exc:
        # Lost a race since the checks: a concurrent request took the username (or a
        # linked body was deleted). Report it as the checks would have.
        problems = await _database_problems(username, role, links)
        if problems:
            raise DomainError(problems) from exc
        raise


def _input_problems(
    username: str, password: str, role: Role, links: dict[str, int | None]
) -> list[Problem]:
    """What is wrong with the request itself, before looking at the database."""
    problems = []
    if not USERNAME_PATTERN.fullmatch(username):
        problems.append(
            Problem(
                ErrorCode.INVALID_INPUT,
                "用户名须为 3–64 个字符，只能包含英文字母、数字和 . _ -",
                ["username"],
            )
        )
    problems += password_problems(password, username)
    return problems + _link_problems(role, links)


def _link_problems(role: Role, links: dict[str, int | None]) -> list[Problem]:
    """The role's own link is required; any other link is refused."""
    wanted = ROLE_LINK[role]
    role_name = ROLE_NAMES[role]
    problems = []
    for field, value in links.items():
        body = LINK_MODELS[field][1]
        if field == wanted and value is None:
            message = f"{role_name}账号必须关联一个{body}"
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, [field]))
        elif field != wanted and value is not None:
            message = f"{role_name}账号不能关联{body}"
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, [field]))
    return problems


async def _database_problems(
    username: str, role: Role, links: dict[str, int | None]
) -> list[Problem]:
    """A taken username, or a linked body that does not exist.

    Only the role's own link is looked up: any other link is refused already.
    """
    problems = []
    # A malformed username is refused already, and one too long for the column would
    # make the ORM's field validation raise instead of answering.
    well_formed = USERNAME_PATTERN.fullmatch(username) is not None
    if well_formed and await Account.filter(username=username).exists():
        problems.append(Problem(ErrorCode.INVALID_INPUT, "用户名已被使用", ["username"]))
    field = ROLE_LINK[role]
    value = links[field] if field else None
    if field and value is not None:
        model, body = LINK_MODELS[field]
        if not await model.filter(id=value).exists():
            problems.append(Problem(ErrorCode.NOT_FOUND, f"{body}不存在", [field]))
    return problems


async def open_account(
    actor: Account | None,
    username: str,
    password: str,
    role: Role,
    **links: int | None,
) -> Account:
    """``create_account`` on an organizer's behalf, recorded in the audit trail."""
    require(actor, Role.ORGANIZER)
    async with in_transaction():
        account = await create_account(username, password, role, **links)
        await record(actor, "createAccount", [account], {"role": role.value})
    return account
