"""The depth and alias limits, checked in time linear in the document.

strawberry's own rules (``query_depth_limiter``, ``max_aliases``) follow every path
through the fragments. A chain of fragments each spreading the next one twice has 2^n
paths: 20 levels, about 200 tokens, held a worker for seconds (half a minute on a busy
machine), and a chain of a few hundred overflowed the stack, the RecursionError's text
reaching the client. These rules
fold each selection set once, bottom-up and without recursion: a fragment's result is
computed once, by name, and reused wherever it is spread.

What they count is strawberry's, and so are their messages:

- depth: along any path, the fields that have a selection (introspection fields, named
  ``__…``, end a path); a fragment counts where it is spread. An operation deeper than
  the limit is refused once, at the first selection past the limit.
- aliases: every aliased field of every operation, a fragment's counted at each spread
  (spread twice, counted twice): the spreads are how a few tokens ask for many fields.

Undefined and cyclic spreads count nothing here: graphql's own rules refuse them
(KnownFragmentNames, NoFragmentCycles), and these must only not crash or loop first.

graphql-core itself aborts validation ("Validation aborted.") when fragments nest more
than ``MAX_NESTING_DEPTH`` selection sets deep; the depth rule says so first, in words.
It also meters the work of OverlappingFieldsCanBeMergedRule, which compares every pair of
fields with the same response name: its default budget let one document of 4,000 tokens
take seconds, so a smaller one is set here (``FIELD_MERGING_BUDGET``).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from graphql.language.parser import MAX_NESTING_DEPTH
from graphql.validation.rules import overlapping_fields_can_be_merged

# Units of graphql-core's meter (a comparison of two fields costs two). The front end's
# and the benchmarks' documents spend none (tests/test_validation_limits.py); 20,000
# take about 0.1 s where graphql-core's default, 500,000, took 2 to 7 s on the
# development machine (docs/benchmarks.md). graphql-core reads it each time the rule
# starts, and refuses a document past it with "Validation aborted.".
FIELD_MERGING_BUDGET = 20_000
overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = FIELD_MERGING_BUDGET


@dataclass
class _Frame:
    """A selection set being folded: how far through its selections, the value so far."""

    selection_set: SelectionSetNode
    owner: SelectionNode | None
    fragment: str | None = None
    index: int = 0
    value: int = 0


class SelectionFold:
    """Folds every selection set of a document into a number, each set once.

    Subclasses say what a field is worth (``field``), how the values of a set's
    selections combine (``combine``) and what closing a set adds (``close``). Inline
    fragments and spreads pass their set's value through. ``visits`` counts the
    selections looked at: at most the document's selections, whatever the spreads.
    """

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.visits = 0
        self._values: dict[int, int] = {}  # by id() of the selection set node
        self._open: set[str] = set()  # fragments being folded: a spread of one is a cycle

    # --- what subclasses define -------------------------------------------------------

    def field(self, node: FieldNode, inner: int | None) -> int:
        raise NotImplementedError

    def combine(self, total: int, value: int) -> int:
        raise NotImplementedError

    def close(self, value: int) -> int:
        return value

    def descends(self, node: FieldNode) -> bool:
        """Whether a field's own selections count at all."""
        return True

    # --- the fold ---------------------------------------------------------------------

    def of(self, selection_set: SelectionSetNode) -> int:
        """The value of ``selection_set``, folding what it needs first, without recursion."""
        if id(selection_set) in self._values:
            return self._values[id(selection_set)]
        stack = [_Frame(selection_set, None)]
        while stack:
            frame = stack[-1]
            if frame.index < len(frame.selection_set.selections):
                selection = frame.selection_set.selections[frame.index]
                frame.index += 1
                self.visits += 1
                child = self._unfolded_child(selection)
                if child is not None:
                    stack.append(child)
                    continue
                frame.value = self.combine(frame.value, self.value_of(selection))
                continue
            stack.pop()
            self._values[id(frame.selection_set)] = self.close(frame.value)
            if frame.fragment is not None:
                self._open.discard(frame.fragment)
            if stack and frame.owner is not None:
                parent = stack[-1]
                parent.value = self.combine(parent.value, self.value_of(frame.owner))
        return self._values[id(selection_set)]

    def _unfolded_child(self, selection: SelectionNode) -> _Frame | None:
        """A frame for the selection set ``selection`` leads to, unless already folded."""
        inner = self.inner(selection)
        if inner is None or id(inner) in self._values:
            return None
        name = selection.name.value if isinstance(selection, FragmentSpreadNode) else None
        if name is not None:
            self._open.add(name)
        return _Frame(inner, selection, fragment=name)

    def inner(self, selection: SelectionNode) -> SelectionSetNode | None:
        """The selection set whose value ``selection`` takes, if it counts."""
        if isinstance(selection, FieldNode):
            return selection.selection_set if self.descends(selection) else None
        if isinstance(selection, InlineFragmentNode):
            return selection.selection_set
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = self.fragments.get(name)
            if fragment is None or name in self._open:
                return None  # undefined or a cycle: refused by graphql's own rules
            return fragment.selection_set
        return None

    def value_of(self, selection: SelectionNode) -> int:
        """What ``selection`` adds to its set, once what it leads to is folded."""
        inner = self.inner(selection)
        value = self._values.get(id(inner)) if inner is not None else None
        if isinstance(selection, FieldNode):
            return self.field(selection, value)
        return value or 0


class Depths(SelectionFold):
    """Fields with a selection along the deepest path; introspection fields end a path."""

    def descends(self, node: FieldNode) -> bool:
        return not node.name.value.startswith("__")

    def field(self, node: FieldNode, inner: int | None) -> int:
        return 0 if inner is None else 1 + inner

    def combine(self, total: int, value: int) -> int:
        return max(total, value)

    def first_past(self, operation: OperationDefinitionNode, limit: int) -> Node:
        """The first selection nested deeper than ``limit``: where strawberry's rule
        reported. Follows, level by level, the first selection that goes too deep."""
        selection_set, level = operation.selection_set, 0
        for _ in range(self.visits + 1):  # each step enters another set; never loops
            chosen = None
            for selection in selection_set.selections:
                if level > limit:
                    return selection
                added = self.value_of(selection)
                if level + added > limit:
                    chosen = selection
                    break
            inner = self.inner(chosen) if chosen is not None else None
            if chosen is None or inner is None:
                break
            if isinstance(chosen, FieldNode):
                level += 1
            selection_set = inner
        return operation


class Nestings(SelectionFold):
    """Selection sets nested into one another, through spreads: what graphql-core limits."""

    def field(self, node: FieldNode, inner: int | None) -> int:
        return inner or 0

    def combine(self, total: int, value: int) -> int:
        return max(total, value)

    def close(self, value: int) -> int:
        return value + 1


class Aliases(SelectionFold):
    """Aliased fields, a fragment's counted at every spread."""

    def field(self, node: FieldNode, inner: int | None) -> int:
        return (node.alias is not None) + (inner or 0)

    def combine(self, total: int, value: int) -> int:
        return total + value


def operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


def _deepest_nesting(
    document: DocumentNode,
) -> tuple[str, int, OperationDefinitionNode | FragmentDefinitionNode] | None:
    """The definition nesting selection sets deepest, if deeper than graphql-core
    validates: once per document, unlike graphql-core's check of each definition."""
    nestings = Nestings(document)
    deepest = max(
        (
            (nestings.of(d.selection_set), d)
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
        ),
        key=lambda pair: pair[0],
        default=None,
    )
    if deepest is None or deepest[0] <= MAX_NESTING_DEPTH:
        return None
    nesting, definition = deepest
    return (definition.name.value if definition.name else "anonymous"), nesting, definition


def too_deep(name: str, limit: int) -> str:
    return f"'{name}' exceeds maximum operation depth of {limit}"


def nested_too_deep(name: str, nesting: int) -> str:
    return (
        f"{name} 经由片段嵌套了 {nesting} 层选择集，超过可校验的 {MAX_NESTING_DEPTH} 层。"
        f"'{name}' nests selections {nesting} levels deep through fragments; "
        f"at most {MAX_NESTING_DEPTH} can be validated."
    )


def too_many_aliases(count: int, limit: int) -> str:
    return f"{count} aliases found. Allowed: {limit}"


def depth_rule(max_depth: int) -> type[ValidationRule]:
    """A rule refusing every operation nested deeper than ``max_depth``.

    Built once per schema: the validation cache keys on the rule classes."""

    class DepthLimitRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            # Checked here, before the document is visited: graphql-core may abort the
            # visit (fragments nested too deep), and keeps the errors found until then.
            super().__init__(context)
            document = context.document
            nested = _deepest_nesting(document)
            if nested is not None:
                name, nesting, definition = nested
                context.report_error(GraphQLError(nested_too_deep(name, nesting), definition))
            depths = Depths(document)
            for operation in operations(document):
                if depths.of(operation.selection_set) > max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    node = depths.first_past(operation, max_depth)
                    context.report_error(GraphQLError(too_deep(name, max_depth), node))

    return DepthLimitRule


def alias_rule(max_aliases: int) -> type[ValidationRule]:
    """A rule refusing documents whose operations hold more than ``max_aliases`` aliases.

    Built once per schema: the validation cache keys on the rule classes."""

    class AliasLimitRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            aliases = Aliases(context.document)
            count = sum(aliases.of(o.selection_set) for o in operations(context.document))
            if count > max_aliases:
                context.report_error(GraphQLError(too_many_aliases(count, max_aliases)))

    return AliasLimitRule


__all__ = ["FIELD_MERGING_BUDGET", "alias_rule", "depth_rule"]
