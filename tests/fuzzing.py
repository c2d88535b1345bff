"""How hard the fuzz tests try: bounded and repeatable by default, long on request.

By default every property runs a fixed, small number of examples with Hypothesis
derandomized (the examples follow from the test's name), so CI always runs the same
cases and cannot flake. ``SHEQIA_FUZZ_EXAMPLES=N`` asks for N examples per property
(per operation and viewer in ``test_fuzz_api``) and fresh random examples each run, with
Hypothesis' example database on so a failure found once is replayed first next time::

    SHEQIA_FUZZ_EXAMPLES=500 pytest tests/test_fuzz_api.py tests/test_fuzz_validators.py

``--hypothesis-seed=N`` repeats one long run exactly.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ENV = "SHEQIA_FUZZ_EXAMPLES"


def long_run() -> int | None:
    """The examples asked for by ``SHEQIA_FUZZ_EXAMPLES``, or None for the bounded run."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{ENV} must be a positive whole number, not {value!r}")
    return int(value)


def fuzz_settings(examples: int) -> settings:
    """``examples`` per property, derandomized; or the long run's count, randomized."""
    asked = long_run()
    bounded = asked is None
    return settings(
        max_examples=examples if bounded else asked,
        derandomize=bounded,
        # The bounded run must not replay examples some earlier run saved: same cases always.
        database=None if bounded else settings.default.database,
        deadline=None,
        # Whole GraphQL documents are large draws and requests take milliseconds each.
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
    )


def long_text() -> st.SearchStrategy[str]:
    """Text past every column's length (names 32 or 64, codes 16 or 32, titles 128...)."""
    return st.tuples(st.text(min_size=1, max_size=8), st.integers(10, 700)).map(
        lambda pair: pair[0] * pair[1]
    )
