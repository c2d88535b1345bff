"""Errors at the GraphQL edge: ``UserError`` for mutations, ``QueryError`` for queries."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from api.errors import DomainError, ErrorCode, Notice

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


@strawberry.type(
    description="系统按规定自动处理、需要让人知道的事，如跳过的合计行、按规定提高的社工人数；"
    "不是错误，无需修改。Something done on its own that people should know of; not an error."
)
class UserNotice:
    field: list[str] | None = strawberry.field(
        description='涉及的输入位置，例如 ["file", "rows", "5", "最少持证社工"]。Where it applies.'
    )
    message: str = strawberry.field(description="给人看的中文说明。A message in Chinese.")


def user_notices(notices: list[Notice]) -> list[UserNotice]:
    return [UserNotice(field=n.field, message=n.message) for n in notices]


def user_errors(error: DomainError) -> list[UserError]:
    return [UserError(code=p.code, field=p.field, message=p.message) for p in error.problems]


class QueryError(GraphQLError):
    """A query the server refuses on purpose (bad id, bad cursor, out of range)."""

    def __init__(self, message: str, code: str = "INVALID_INPUT") -> None:
        super().__init__(message, extensions={"code": code})
