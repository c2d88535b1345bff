"""Who may act: the role checks every service makes before it writes."""

from __future__ import annotations

from api.auth.models import Account, Role
from api.errors import DomainError, ErrorCode


def require(actor: Account | None, *roles: Role) -> Account:
    """The acting account when it has one of ``roles``; a refusal otherwise."""
    if actor is None:
        raise DomainError.one(ErrorCode.UNAUTHENTICATED, "请先登录。Please log in.")
    if actor.role not in roles:
        raise DomainError.one(ErrorCode.FORBIDDEN, "当前账号无权进行此操作。Not allowed.")
    return actor
