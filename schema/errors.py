"""Errors at the GraphQL edge: ``UserError`` for mutations, ``QueryError`` for queries."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from api.errors import DomainError, ErrorCode

strawberry.enum(
    ErrorCode, name="ErrorCode", description="拒绝的原因代码（稳定）。Stable refusal codes."
)


@strawberry.type(description="一次被拒绝的操作：代码、出错的字段和中文说明。A refusal.")
class UserError:
    code: ErrorCode = strawberry.field(description="稳定的错误代码。Stable error code.")
    field: list[str] | None = strawberry.field(
        description='出错的输入字段路径，例如 ["projects", "2", "budget"]。'
    )
    message: str = strawberry.field(description="给人看的中文说明。A message in Chinese.")


def user_errors(error: DomainError) -> list[UserError]:
    return [UserError(code=p.code, field=p.field, message=p.message) for p in error.problems]


class QueryError(GraphQLError):
    """A query the server refuses on purpose (bad id, bad cursor, out of range)."""

    def __init__(self, message: str, code: str = "INVALID_INPUT") -> None:
        super().__init__(message, extensions={"code": code})
