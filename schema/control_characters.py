"""Refusing text that holds control or bidi-override characters before anything runs.

- NUL (U+0000): PostgreSQL cannot store or even compare text with one in it; a login
  name, a search term or a title carrying one was a 500 there.
- the other C0 controls (BEL, ESC and its terminal sequences…), DEL and the C1 controls:
  no person types them; stored in a title they ring bells or recolour an operator's
  terminal when the log or an export is read.
- the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): U+202E
  makes "申报书exe.pdf" read as something else, a known trick to disguise text.

Tab, line feed and carriage return stay allowed: plans and notes are multi-line text.
A request carrying a refused character in any string, literal or variable, is refused as
a whole with ``INVALID_INPUT``, on every transport, and nothing of it runs.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MESSAGE = (
    "文本中不能含有控制字符（如空字符 U+0000、响铃、ESC）或文字方向覆盖字符（如 U+202E）。"
    "Text must not contain control or bidi-override characters."
)


class RefuseControlCharacters(SchemaExtension):
    """After validation, before execution: a request with a refused character in any
    string runs nothing."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if _literal_refused(context.query, context.graphql_document) or any(
            REFUSED.search(text) for text in _strings(context.variables)
        ):
            # Setting the result before execution skips it.
            context.result = ExecutionResult(
                data=None, errors=[GraphQLError(MESSAGE, extensions={"code": "INVALID_INPUT"})]
            )
        yield


class _FindRefused(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.found = self.found or REFUSED.search(node.value) is not None


def _literal_refused(query: str | None, document: Any) -> bool:
    # A string literal holds such a character only written raw or as an escape (\u001b,
    # \u{202E}): most documents have neither, and are not walked at all.
    text = query or ""
    if document is None or (REFUSED.search(text) is None and "\\u" not in text):
        return False
    finder = _FindRefused()
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
