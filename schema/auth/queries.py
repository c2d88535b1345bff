"""Who is asking."""

from __future__ import annotations

import strawberry

from schema.auth.types import Account
from schema.context import Info


@strawberry.type
class AuthQuery:
    @strawberry.field(description="当前登录的账号；未登录时为 null。The logged-in account.")
    def me(self, info: Info) -> Account | None:
        account = info.context.account
        return Account.from_row(account) if account else None
