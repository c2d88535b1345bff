"""The depth and alias limits hold against fragment chains, and cost no more than the document.

Fragments that each spread the next one twice make 2^n paths out of 10·n tokens. The
limits (``schema/limits.py``) count each fragment once, so these tests count what they
look at (``visits``), never how long they take; and they check, on random documents,
that depth and aliases are counted as strawberry's own rules counted them.
"""

from __future__ import annotations

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    Visitor,
    build_schema,
    parse,
    validate,
    visit,
)
from graphql.validation.rules import overlapping_fields_can_be_merged as field_merging
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry.extensions.max_aliases import create_validator as strawberry_alias_rule
from strawberry.extensions.query_depth_limiter import (
    create_validator as strawberry_depth_rule,
)

from schema.limits import (
    FIELD_MERGING_BUDGET,
    Aliases,
    Depths,
    alias_rule,
    depth_rule,
)
from schema.schema import schema as SERVED
from tests.browser.test_documents import DOCUMENTS
from tests.read_api import assert_refused, messages, post
from tests.test_query_cost import BENCH_DOCUMENTS

# Rules see only the document, so any schema validates them.
TINY = build_schema("type Query { a: Int }")


def chain(levels: int, leaf: str = "a: districts { name }") -> str:
    """``levels`` fragments, each spreading the next one twice; the last selects ``leaf``."""
    fragments = "".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}\n" for i in range(levels - 1)
    )
    return f"query Attack {{ ...F0 }}\n{fragments}fragment F{levels - 1} on Query {{ {leaf} }}"


CHAIN_20 = chain(20)
CHAIN_300 = chain(300)
CHAIN_300_UNALIASED = chain(300, "districts { name }")
# Fragments in a cycle, and a spread of a fragment nobody defined.
CYCLE = "query Cycle { ...A } fragment A on Query { ...B districts { name } } fragment B on Query { ...A a: districts { name } }"
UNDEFINED = "query Undefined { ...Nowhere districts { name } }"
# One field asked for 999 times: every pair is compared for merging.
REPEATED_FIELD = "{ " + " ".join(["districts { name }"] * 999) + " }"


def selection_count(document) -> int:
    """Every field, inline fragment and spread written in ``document``."""
    counter = _SelectionCounter()
    visit(document, counter)
    return counter.count


class _SelectionCounter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def enter(self, node, *_args):
        if isinstance(node, FieldNode | InlineFragmentNode | FragmentSpreadNode):
            self.count += 1


def _operation(document) -> OperationDefinitionNode:
    return next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))


# --- linear, whatever the spreads ---------------------------------------------------


def test_a_fragment_chain_is_counted_looking_at_each_selection_once():
    # Given 20 and 300 fragments each spreading the next twice (2^19 and 2^299 copies of
    # the aliased leaf)
    for levels in (20, 300):
        document = parse(chain(levels))
        aliases, depths = Aliases(document), Depths(document)
        # When aliases and depth are counted
        count = aliases.of(_operation(document).selection_set)
        depth = depths.of(_operation(document).selection_set)
        # Then every copy counts, as strawberry counted them, and each written selection
        # was looked at once: 3·levels of them, not 2^levels
        assert count == 2 ** (levels - 1)
        assert depth == 1
        assert aliases.visits == depths.visits == selection_count(document) == 2 * levels + 1


def test_a_chain_deeper_than_the_interpreter_recurses_is_counted_without_recursion():
    # Given a chain of 5,000 single spreads (Python recurses about 1,000 deep)
    fragments = "".join(f"fragment F{i} on Query {{ ...F{i + 1} }}\n" for i in range(5000))
    document = parse(f"query {{ ...F0 }}\n{fragments}fragment F5000 on Query {{ a: a }}")
    # When only the limits validate it, then each refuses it in words, without a
    # RecursionError
    errors = validate(TINY, document, [depth_rule(12), alias_rule(0)])
    assert any("5002 levels deep through fragments" in e.message for e in errors)
    assert "1 aliases found. Allowed: 0" in [e.message for e in errors]


def test_cycles_and_undefined_fragments_count_nothing_and_end():
    # Given a fragment cycle and a spread of an undefined fragment
    for text in (CYCLE, UNDEFINED):
        document = parse(text)
        # When only the limits validate them, then they end, counting what is there
        errors = validate(TINY, document, [depth_rule(0), alias_rule(0)])
        assert all(isinstance(e, GraphQLError) for e in errors)
        assert Depths(document).of(_operation(document).selection_set) == 1
    cycle = parse(CYCLE)
    assert Aliases(cycle).of(_operation(cycle).selection_set) == 1


# --- through the served API ---------------------------------------------------------


async def test_a_twenty_level_fragment_chain_is_refused_by_its_aliases_and_cost(client):
    # Given 20 fragments each spreading the next twice: 2^19 aliased fields in 200 tokens
    response = await post(client, CHAIN_20)
    # When it is sent, then it is refused before it runs, naming the limits it exceeds
    result = response.json()
    assert_refused(result)
    assert result.get("data") is None
    assert f"{2**19} aliases found. Allowed: 30" in messages(result)
    codes = [e.get("extensions", {}).get("code") for e in result["errors"]]
    assert "QUERY_TOO_COSTLY" in codes
    assert "recursion" not in response.text


async def test_a_three_hundred_level_fragment_chain_is_refused_in_words(client):
    # Given 300 fragments each spreading the next twice, with and without an alias
    for document in (CHAIN_300, CHAIN_300_UNALIASED):
        response = await post(client, document)
        # When it is sent, then it is refused: the nesting is named (graphql-core then
        # stops validating), and no RecursionError or internal error reaches the client
        result = response.json()
        assert_refused(result)
        assert result.get("data") is None
        assert "'Attack' nests selections 302 levels deep through fragments" in messages(result)
        assert "recursion" not in response.text


async def test_cycles_and_undefined_fragments_get_graphqls_own_errors(client):
    # Given a fragment cycle and a spread of an undefined fragment, when each is sent
    cycle = (await post(client, CYCLE)).json()
    undefined = (await post(client, UNDEFINED)).json()
    # Then graphql's own rules name them
    assert_refused(cycle)
    assert "Cannot spread fragment 'A' within itself" in messages(cycle)
    assert_refused(undefined)
    assert "Unknown fragment 'Nowhere'" in messages(undefined)


async def test_a_field_repeated_a_thousand_times_is_refused_within_a_bounded_comparison(client):
    # Given one field asked for 999 times (every pair compared for merging), when it is sent
    response = await post(client, REPEATED_FIELD)
    # Then it is refused, and the comparison stopped at the budget set for it
    assert_refused(response.json())
    assert field_merging.MAX_COMPLEXITY_BUDGET == FIELD_MERGING_BUDGET
    assert _merging_spent(REPEATED_FIELD) <= FIELD_MERGING_BUDGET + 2


def test_the_front_end_and_benchmark_documents_spend_a_tenth_of_the_merging_budget_at_most():
    # Every document the pages and the benchmarks send stays far from the budget
    spent = {label: _merging_spent(text) for label, text in [*DOCUMENTS, *BENCH_DOCUMENTS]}
    assert len(spent) >= 30
    assert max(spent.values()) * 10 <= FIELD_MERGING_BUDGET, spent


def _merging_spent(text: str) -> int:
    """The units of graphql-core's field-merging budget that validating ``text`` spent."""
    rules: list[field_merging.OverlappingFieldsCanBeMergedRule] = []

    class Metered(field_merging.OverlappingFieldsCanBeMergedRule):
        def __init__(self, context) -> None:
            super().__init__(context)
            rules.append(self)

    validate(SERVED._schema, parse(text), [Metered])
    return FIELD_MERGING_BUDGET - rules[0].rule_context.remaining_complexity_budget


# --- the same counts as strawberry's rules ------------------------------------------

NAMES = st.sampled_from(["a", "b", "__typename"])
OBJECTS = st.sampled_from(["o", "p", "__schema"])
ALIAS = st.sampled_from(["", "x: ", "y: "])


@st.composite
def documents(draw) -> str:
    """Up to two operations and four fragments; a fragment spreads only later ones
    (strawberry's rules need every spread defined, and no cycles)."""
    fragment_count = draw(st.integers(0, 4))

    def selection_set(level: int, after: int) -> str:
        choices = ["leaf"]
        if level < 5:
            choices += ["object", "inline"]
        if after < fragment_count:
            choices.append("spread")
        parts = []
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(choices))
            if kind == "leaf":
                parts.append(draw(ALIAS) + draw(NAMES))
            elif kind == "object":
                parts.append(draw(ALIAS) + draw(OBJECTS) + selection_set(level + 1, after))
            elif kind == "inline":
                parts.append("... on Query" + selection_set(level + 1, after))
            else:
                parts.append(f"...F{draw(st.integers(after, fragment_count - 1))}")
        return " { " + " ".join(parts) + " }"

    operations = [f"query Q{i}" + selection_set(0, 0) for i in range(draw(st.integers(1, 2)))]
    fragments = [f"fragment F{i} on Query" + selection_set(0, i + 1) for i in range(fragment_count)]
    return "\n".join(operations + fragments)


def _errors(document, rule) -> tuple[list[str], set[tuple[int, int]]]:
    # strawberry's depth rule reports every path past the limit: no cap on the errors
    errors = validate(TINY, document, [rule], max_errors=1_000_000)
    located = {(loc.line, loc.column) for e in errors for loc in e.locations or ()}
    return [e.message for e in errors], located


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents(), limit=st.integers(0, 6))
def test_depth_and_aliases_are_counted_as_strawberrys_rules_count_them(text, limit):
    # Given a random document, when strawberry's rules and these check it
    document = parse(text)
    theirs, their_places = _errors(document, strawberry_depth_rule(limit, None))
    ours, our_places = _errors(document, depth_rule(limit))
    # Then the same operations are too deep, each refused once, at a place strawberry
    # named (strawberry names the first past the limit on every path)
    assert sorted(ours) == sorted(set(theirs))
    assert our_places <= their_places
    # And the same aliases are counted
    assert _errors(document, alias_rule(limit)) == _errors(document, strawberry_alias_rule(limit))
