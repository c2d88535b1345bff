"""The moment execution starts, as the response cache needs to know it."""

from __future__ import annotations

from collections.abc import AsyncIterator

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
            context.forget_consulted()
        yield
