"""The moment execution starts, as the response cache needs to know it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import FieldNode, get_operation_ast
from strawberry.extensions import SchemaExtension

from schema.context import Context


class MarkExecution(SchemaExtension):
    """Records the operation's type on the context and forgets what ran before it (the
    limits look at the account): only what the resolvers consult decides with whom the
    answer may be shared. Runs last of the extensions, just before the resolvers."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            context.operation = self.execution_context.operation_type
            context.root_fields = _root_fields(self.execution_context)
            context.forget_consulted()
        yield


def _root_fields(execution: Any) -> frozenset[str] | None:
    """The names of the operation's root fields; None when fragments hide some."""
    document = execution.graphql_document
    if document is None:
        return None
    operation = get_operation_ast(document, execution.operation_name)
    if operation is None:
        return None
    selections = operation.selection_set.selections
    if not all(isinstance(s, FieldNode) for s in selections):
        return None
    return frozenset(s.name.value for s in selections)  # type: ignore[attr-defined]
