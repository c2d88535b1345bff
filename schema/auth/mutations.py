"""Logging in and out, and creating accounts."""

from __future__ import annotations

import strawberry
from starlette.responses import Response

from api.auth.accounts import open_account
from api.auth.login import login, logout
from api.auth.models import Role
from api.auth.sessions import SESSION_COOKIE, SESSION_LIFETIME
from schema.auth.types import Account
from schema.context import Info
from schema.errors import UserError
from schema.payloads import attempt
from schema.ratelimit import client_ip
from schema.relay import pk_of


@strawberry.type(description="登录的结果。The result of a login.")
class LoginPayload:
    account: Account | None = strawberry.field(description="登录的账号。The account.")
    token: str | None = strawberry.field(
        description="供 API 客户端使用的 Bearer 令牌；网页使用 HttpOnly Cookie。Bearer token."
    )
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type(description="退出登录的结果。The result of a logout.")
class LogoutPayload:
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type(description="创建账号的结果。The result of creating an account.")
class CreateAccountPayload:
    account: Account | None = strawberry.field(description="新账号。The new account.")
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


def _set_cookie(info: Info, token: str | None) -> None:
    response = info.context.response
    if not isinstance(response, Response):
        return
    if token is None:
        response.delete_cookie(SESSION_COOKIE, path="/", samesite="strict")
        return
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=info.context.settings.production,
    )


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="登录：设置 HttpOnly 会话 Cookie，并返回 Bearer 令牌。Log in.")
    async def login(self, info: Info, username: str, password: str) -> LoginPayload:
        result, errors = await attempt(login(username, password, client_ip(info.context)))
        if result is None:
            return LoginPayload(account=None, token=None, errors=errors)
        account, token = result
        _set_cookie(info, token)
        return LoginPayload(account=Account.from_row(account), token=token, errors=[])

    @strawberry.mutation(description="退出登录。Log out and end the session.")
    async def logout(self, info: Info) -> LogoutPayload:
        _, errors = await attempt(logout(info.context.account, info.context.token))
        if not errors:
            _set_cookie(info, None)
        return LogoutPayload(errors=errors)

    @strawberry.mutation(description="创建账号（主办方）。Create an account (organizers).")
    async def create_account(
        self,
        info: Info,
        username: str,
        password: str,
        role: Role,
        organization: strawberry.ID | None = None,
        supervisor: strawberry.ID | None = None,
        publisher: strawberry.ID | None = None,
    ) -> CreateAccountPayload:
        links = {
            "organization_id": pk_of(organization, "Organization") if organization else None,
            "supervisor_id": pk_of(supervisor, "Supervisor") if supervisor else None,
            "publisher_id": pk_of(publisher, "Publisher") if publisher else None,
        }
        work = open_account(info.context.account, username, password, role, **links)
        account, errors = await attempt(work)
        return CreateAccountPayload(
            account=Account.from_row(account) if account else None, errors=errors
        )
