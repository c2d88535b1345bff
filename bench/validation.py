"""Benchmark: validating fragment chains, strawberry's depth and alias rules against ours.

A chain of ``n`` fragments, each spreading the next one twice, the last selecting one
aliased field: 2^(n-1) copies of it in about 10·n tokens. For 18 and 20 levels it times,
in the same run and on the same parsed document:

- each limit rule alone (``graphql.validate`` with only that rule): strawberry's
  ``query_depth_limiter`` and ``max_aliases`` (the baseline) and ``schema/limits.py``;
- the whole request as served (``schema.execute``: parsing, graphql's own rules, the
  limits and the cost rule; refused), with strawberry's rules and with ours.

Then graphql-core's own field-merging rule on one field repeated 999 times (just under
the 4,000-token limit), with graphql-core's default comparison budget and with ours.
Medians of ``--runs`` runs; the baseline at 20 levels takes about a minute a run.

    python bench/validation.py [--levels 18,20] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

import strawberry
from graphql import ValidationRule, parse, validate
from graphql.validation.rules import overlapping_fields_can_be_merged as field_merging
from strawberry.extensions.max_aliases import create_validator as strawberry_alias_rule
from strawberry.extensions.query_depth_limiter import (
    create_validator as strawberry_depth_rule,
)

import schema.schema as served
from api.settings import Settings
from schema.limits import FIELD_MERGING_BUDGET, alias_rule, depth_rule

SETTINGS = Settings(env="test")  # rate limits off: only validation is timed
DEFAULT_MERGING_BUDGET = 500_000  # graphql-core 3.3's own


def chain(levels: int, name: str = "Attack") -> str:
    fragments = "".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}\n" for i in range(levels - 1)
    )
    return f"query {name} {{ ...F0 }}\n{fragments}fragment F{levels - 1} on Query {{ a: districts {{ name }} }}"


def repeated_field(times: int, name: str = "Repeated") -> str:
    return f"query {name} {{ " + " ".join(["districts { name }"] * times) + " }"


def median_seconds(run: Callable[[int], object], runs: int) -> float:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rule_alone(rule: type[ValidationRule], text: str) -> Callable[[int], object]:
    document = parse(text)
    graphql_schema = served.schema._schema
    return lambda _: validate(graphql_schema, document, [rule])


def served_schema(baseline: bool) -> strawberry.Schema:
    """The served schema, with strawberry's limit rules instead of ours as the baseline."""
    if not baseline:
        return served.build_schema(SETTINGS)
    ours = served.depth_rule, served.alias_rule
    served.depth_rule = lambda depth: strawberry_depth_rule(depth, None)  # type: ignore[assignment]
    served.alias_rule = strawberry_alias_rule  # type: ignore[assignment]
    try:
        return served.build_schema(SETTINGS)
    finally:
        served.depth_rule, served.alias_rule = ours


def whole_request(schema: strawberry.Schema, make: Callable[[str], str]) -> Callable[[int], object]:
    """A request refused in validation; each run a new text, so no cache answers it."""

    def run(i: int) -> object:
        result = asyncio.run(schema.execute(make(f"Q{time.perf_counter_ns()}x{i}")))
        assert result.errors, "the document should be refused"
        return result

    return run


def limit_rows(levels: int, runs: int) -> list[tuple[str, float, float]]:
    text = chain(levels)
    depth, aliases = SETTINGS.max_query_depth, SETTINGS.max_aliases
    baseline_schema, our_schema = served_schema(True), served_schema(False)
    return [
        (
            "depth rule alone",
            median_seconds(rule_alone(strawberry_depth_rule(depth, None), text), runs),
            median_seconds(rule_alone(depth_rule(depth), text), runs),
        ),
        (
            "alias rule alone",
            median_seconds(rule_alone(strawberry_alias_rule(aliases), text), runs),
            median_seconds(rule_alone(alias_rule(aliases), text), runs),
        ),
        (
            "whole request, served (refused)",
            median_seconds(whole_request(baseline_schema, lambda n: chain(levels, n)), runs),
            median_seconds(whole_request(our_schema, lambda n: chain(levels, n)), runs),
        ),
    ]


def merging_times(runs: int) -> tuple[float, float]:
    """The repeated field, refused as served, with graphql-core's budget and with ours."""
    schema = served_schema(False)
    timed = []
    for budget in (DEFAULT_MERGING_BUDGET, FIELD_MERGING_BUDGET):
        field_merging.MAX_COMPLEXITY_BUDGET = budget
        timed.append(median_seconds(whole_request(schema, lambda n: repeated_field(999, n)), runs))
    field_merging.MAX_COMPLEXITY_BUDGET = FIELD_MERGING_BUDGET
    return timed[0], timed[1]


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value >= 0.1 else f"{value * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="18,20", help="chain lengths, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    logging.disable(logging.ERROR)  # refusals are logged by strawberry; not timed here
    print(
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; medians of {args.runs}"
    )
    print("\n| chain | what is timed | strawberry's rules | ours | ratio |\n|---|---|---|---|---|")
    for levels in (int(n) for n in args.levels.split(",")):
        for label, before, after in limit_rows(levels, args.runs):
            ratio = before / after if after else float("inf")
            print(
                f"| {levels} levels | {label} | {seconds(before)} | {seconds(after)} | {ratio:,.0f}× |"
            )
    before, after = merging_times(args.runs)
    print(
        f"\n| document | budget {DEFAULT_MERGING_BUDGET:,} (graphql-core) "
        f"| budget {FIELD_MERGING_BUDGET:,} (ours) |\n|---|---|---|\n"
        f"| one field ×999, whole request, served (refused) | {seconds(before)} | {seconds(after)} |"
    )


if __name__ == "__main__":
    main()
