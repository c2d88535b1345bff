"""The query cost limit: how many objects a document can return, refused before it runs.

The depth, alias and token limits bound a document's shape; the cost bounds what it asks
for. Every object in the answer counts one, and every list multiplies what it holds by
its size: a connection by its ``first`` (20 when absent), a list with a ``first`` by that,
other lists by the size in ``LIST_SIZES``. Scalars, single or in lists (``reasons``,
``serviceClasses``), belong to their object and cost nothing more. Fragments count where
they are spread; on an interface the costliest possible type counts.

Variables are unknown while validating, so a ``first`` given by a variable counts at its
cap (100 for a page, 20 for recommendations). The cost is then a bound for every value
the variables may take, the same for every request of a document: it is computed once,
by a validation rule, and cached with the validation (``ValidationCache``).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_wrapping_type,
)

from api.catalog.models import ServiceClass
from api.fairs.services import MAX_CRITERIA
from api.supervisors.reassignment import MAX_CANDIDATES
from schema.organizations.types import MAX_MATCHES
from schema.relay import DEFAULT_PAGE

CODE = "QUERY_TOO_COSTLY"
MAX_COST = sys.maxsize
SETTING = "SHEQIA_MAX_QUERY_COST"

# A city has a few dozen districts at most (Nanjing 11, the seeds' city).
CITY_DISTRICTS = 20
# A mutation's payload lists are as long as the request's own input (a published list,
# capped by the mutation) or the work it did; they count at a nominal size, so the limit
# keeps bounding what is asked *about* each item.
NOMINAL = DEFAULT_PAGE

LIST_SIZES: dict[str, int] = {
    # Bounded by the rules.
    "Project.evaluations": 2,  # mid-term and final
    "Project.payments": 3,  # three tranches
    "Fair.criteria": MAX_CRITERIA,
    "Fair.evaluationComponents": MAX_CRITERIA,
    "FairStats.byServiceClass": len(ServiceClass),
    "SatisfactionSurvey.questions": 5,  # a fair asks 3 to 5
    "Fair.surveyQuestions": 5,
    "Satisfaction.questions": 5,
    # Bounded by the city.
    "Query.districts": CITY_DISTRICTS,
    "FairStats.byDistrict": CITY_DISTRICTS,
    "Organization.districts": CITY_DISTRICTS,
    "Supervisor.districts": CITY_DISTRICTS,
    "Query.publishers": 500,  # streets and communities: 438 in the seeds
    "Query.catalogItems": 300,  # the purchase catalogue: 280 items
    "Query.fairs": 20,  # one edition a year
    # Grow with a pool member's history: what a long-standing one has.
    "Organization.creditRecord": 20,
    "Organization.projects": 50,
    "Supervisor.projects": 50,
    "OrganizationHistory.projects": 50,
    "OrganizationHistory.fairs": 20,
    "OrganizationHistory.creditEntries": 20,
    "PastProject.evaluations": 2,
    "PastProject.payments": 3,
    "PastProject.creditEntries": 3,
    # Mutation payloads.
    "PublishProjectsPayload.projects": NOMINAL,
    "ImportProjectsPayload.projects": NOMINAL,
    "PublishProjectsPayload.warnings": NOMINAL,
    "ImportProjectsPayload.warnings": NOMINAL,
    "AssignSupervisorsPayload.assigned": NOMINAL,
    "AssignSupervisorsPayload.unassigned": NOMINAL,
    "AssignSupervisorsPayload.unassignedReasons": NOMINAL,
    "WithdrawProjectPayload.releasedBids": NOMINAL,
}
"""Sizes of lists that take no ``first``, by ``Type.field``."""

TYPE_SIZES: dict[str, int] = {
    # A refusal names a handful of problems; a rejected list may name more, but a
    # UserError holds no objects, so the count cannot multiply.
    "UserError": 10,
}
"""Sizes of lists of these item types, wherever they appear."""

FIRST_CAPS: dict[str, int] = {
    "Project.matchingOrganizations": MAX_MATCHES,
    "Organization.matchingProjects": MAX_MATCHES,
    "Project.supervisorCandidates": MAX_CANDIDATES,
    "Satisfaction.comments": 100,
}
"""The largest ``first`` a list field accepts (connections: the page size cap)."""


def too_costly(cost: int, limit: int) -> str:
    return (
        f"查询预计返回约 {cost} 个对象，超过上限 {limit}（{SETTING}）。"
        f"Query cost {cost} exceeds the limit {limit}."
    )


def _mean(counts: Iterable[int], over: int) -> float:
    return sum(counts) / max(over, 1)


@cache
def _introspection_sizes(schema: GraphQLSchema) -> dict[str, float]:
    """Expected list sizes of the introspection types: this schema's averages.

    ``__schema { types { fields … } }`` then counts about what its answer holds, and the
    nesting that makes introspection explode (``fields { type { ofType { fields`` …)
    multiplies like any other list. ``ofType`` is null on a named type: it counts as
    often as a type reference is wrapped (non-null or list).
    """
    types = list(schema.type_map.values())
    directives = list(schema.directives)
    with_fields = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    inputs = [t for t in types if isinstance(t, GraphQLInputObjectType)]
    fields = [f for t in with_fields for f in t.fields.values()]
    references = [
        *(f.type for f in fields),
        *(a.type for f in fields for a in f.args.values()),
        *(f.type for t in inputs for f in t.fields.values()),
    ]
    return {
        "__Schema.types": len(types),
        "__Schema.directives": len(directives),
        "__Type.fields": _mean((len(t.fields) for t in with_fields), len(types)),
        "__Type.interfaces": _mean((len(t.interfaces) for t in with_fields), len(types)),
        "__Type.inputFields": _mean((len(t.fields) for t in inputs), len(types)),
        "__Type.enumValues": _mean(
            (len(t.values) for t in types if isinstance(t, GraphQLEnumType)), len(types)
        ),
        "__Type.possibleTypes": _mean(
            (len(schema.get_possible_types(t)) for t in types if is_abstract_type(t)),  # type: ignore[arg-type]
            len(types),
        ),
        "__Type.ofType": _mean((is_wrapping_type(t) for t in references), len(references)),
        "__Field.args": _mean((len(f.args) for f in fields), len(fields)),
        "__Directive.args": _mean((len(d.args) for d in directives), len(directives)),
    }


class CostCounter:
    """Counts the objects the operations of one document can return."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        page_cap: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.page_cap = page_cap
        self.sizes: dict[str, float] = {**LIST_SIZES, **_introspection_sizes(schema)}
        # Per (fragment, type, page): a fragment spread in many places is counted once,
        # so nested spreads cannot make counting itself exponential.
        self._fragment_costs: dict[tuple[str, str, int | None], float] = {}
        self._counting: set[str] = set()

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        try:
            total = self.selections(operation.selection_set, root, None)
        except RecursionError:
            return MAX_COST  # nested too deep to count: beyond any limit
        # Past what a float holds (spreads multiplying absurdly), or inf × 0: beyond any
        # limit. Otherwise rounded up: the introspection types count fractional sizes.
        if not total < MAX_COST:
            return MAX_COST
        return math.ceil(total)

    def selections(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, page: int | None
    ) -> float:
        """The cost of one ``parent`` value's selections; on an abstract type the
        costliest possible type's."""
        if selection_set is None:
            return 0
        if isinstance(parent, GraphQLInterfaceType | GraphQLUnionType):
            possible = self.schema.get_possible_types(parent)
            return max((self._on_object(selection_set, t, page) for t in possible), default=0)
        if isinstance(parent, GraphQLObjectType):
            return self._on_object(selection_set, parent, page)
        return 0

    def _on_object(
        self, selection_set: SelectionSetNode, parent: GraphQLObjectType, page: int | None
    ) -> float:
        total = 0.0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, parent):
                    total += self._on_object(selection.selection_set, parent, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, parent, page)
        return total

    def _fragment(self, name: str, parent: GraphQLObjectType, page: int | None) -> float:
        key = (name, parent.name, page)
        if key in self._fragment_costs:
            return self._fragment_costs[key]
        fragment = self.fragments.get(name)
        # Unknown or cyclic fragments are reported by the standard rules; count nothing.
        if fragment is None or name in self._counting:
            return 0
        if not self._applies(fragment.type_condition.name.value, parent):
            cost = 0.0
        else:
            self._counting.add(name)
            try:
                cost = self._on_object(fragment.selection_set, parent, page)
            finally:
                self._counting.discard(name)
        self._fragment_costs[key] = cost
        return cost

    def _applies(self, condition: str, parent: GraphQLObjectType) -> bool:
        target = self.schema.get_type(condition)
        if target is parent:
            return True
        return is_abstract_type(target) and self.schema.is_sub_type(target, parent)  # type: ignore[arg-type]

    def _field(self, node: FieldNode, parent: GraphQLObjectType, page: int | None) -> float:
        field_name = node.name.value
        field = parent.fields.get(field_name) or self._meta_field(field_name, parent)
        if field is None:  # __typename, or an unknown field (another rule reports it)
            return 0
        named = get_named_type(field.type)
        if is_leaf_type(named):
            return 0
        key = f"{parent.name}.{field_name}"
        count = self.sizes.get(key, 1.0)  # a single object; __Type.ofType counts less
        if is_list_type(get_nullable_type(field.type)):  # type: ignore[arg-type]
            count = self._list_size(key, node, field, named, page)
        inner = self._connection_page(node, field, named)
        return count * (1 + self.selections(node.selection_set, named, inner))

    def _meta_field(self, name: str, parent: GraphQLObjectType) -> GraphQLField | None:
        """``__schema`` and ``__type``, which the root query type answers unlisted."""
        if parent is not self.schema.query_type:
            return None
        return {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}.get(name)

    def _connection_page(
        self, node: FieldNode, field: GraphQLField, named: GraphQLNamedType
    ) -> int | None:
        """The page size of a connection field (its ``edges`` are that long), else None."""
        if "first" not in field.args or not isinstance(named, GraphQLObjectType):
            return None
        if "edges" not in named.fields:
            return None
        return self._first(node, field, self.page_cap)

    def _list_size(
        self,
        key: str,
        node: FieldNode,
        field: GraphQLField,
        item: GraphQLNamedType,
        page: int | None,
    ) -> float:
        if node.name.value == "edges" and page is not None:
            return page
        if "first" in field.args:
            return self._first(node, field, FIRST_CAPS.get(key, self.page_cap))
        if key in self.sizes:
            return self.sizes[key]
        return TYPE_SIZES.get(item.name, self.page_cap)

    def _first(self, node: FieldNode, field: GraphQLField, cap: int) -> int:
        """``first`` as asked: a literal (within 0..cap, where the resolver refuses the
        rest), the field's default when absent, the cap when a variable gives it."""
        argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
        value = argument.value if argument is not None else None
        if isinstance(value, VariableNode):
            return cap
        if isinstance(value, IntValueNode):
            return max(0, min(int(value.value), cap))
        if value is None or isinstance(value, NullValueNode):
            default = field.args["first"].default_value
            return default if isinstance(default, int) else DEFAULT_PAGE
        return cap


def operation_costs(
    schema: GraphQLSchema, document: DocumentNode, page_cap: int = 100
) -> dict[str | None, int]:
    """The cost of every operation of a parsed ``document``, by operation name."""
    counter = CostCounter(schema, _fragments(document), page_cap)
    return {
        (d.name.value if d.name else None): counter.operation(d)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    }


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def cost_rule(limit: int, page_cap: int) -> type[ValidationRule]:
    """A validation rule refusing every operation whose cost exceeds ``limit``.

    Built once per schema: the validation cache keys on the rule classes."""

    class QueryCostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.counter = CostCounter(context.schema, _fragments(context.document), page_cap)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            cost = self.counter.operation(node)
            if cost > limit:
                self.report_error(
                    GraphQLError(
                        too_costly(cost, limit),
                        node,
                        extensions={"code": CODE, "cost": cost, "limit": limit},
                    )
                )

    return QueryCostRule
