"""Refusing text that holds a NUL character (U+0000) before anything runs.

PostgreSQL cannot store or even compare text with a NUL in it: any query given one fails
("invalid byte sequence for encoding UTF8: 0x00"), which a login name, a search term or
a project title would turn into a 500. No person types one, so a request carrying one in
any string — literal or variable — is refused as a whole, on every transport.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

NUL = "\x00"
MESSAGE = "文本中不能含有空字符（U+0000）。Text must not contain NUL characters."


class RefuseNulCharacters(SchemaExtension):
    """After validation, before execution: a request with NUL in any string runs nothing."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if _literal_has_nul(context.query, context.graphql_document) or any(
            NUL in text for text in _strings(context.variables)
        ):
            # Setting the result before execution skips it.
            context.result = ExecutionResult(
                data=None, errors=[GraphQLError(MESSAGE, extensions={"code": "INVALID_INPUT"})]
            )
        yield


class _FindNul(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.found = self.found or NUL in node.value


def _literal_has_nul(query: str | None, document: Any) -> bool:
    # A string literal holds a NUL only written raw or as an escape (\u0000, \u{0}): most
    # documents have neither, and are not walked at all.
    if document is None or (NUL not in (query or "") and "\\u" not in (query or "")):
        return False
    finder = _FindNul()
    visit(document, finder)
    return finder.found


def _strings(value: object) -> Iterator[str]:
    """Every string in decoded JSON: keys and values, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
