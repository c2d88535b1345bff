"""Counting the SQL statements a piece of work sends, for tests and benchmarks.

Tortoise's database clients log every statement at DEBUG on ``tortoise.db_client``;
the counter listens there only while it is active.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

LOGGER = logging.getLogger("tortoise.db_client")


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(("Created connection pool", "Closed connection pool")):
            self.statements.append(message)


@contextmanager
def count_statements() -> Iterator[list[str]]:
    """Yields the list that collects every statement sent inside the block."""
    counter = _Counter()
    level = LOGGER.level
    LOGGER.addHandler(counter)
    LOGGER.setLevel(logging.DEBUG)
    try:
        yield counter.statements
    finally:
        LOGGER.removeHandler(counter)
        LOGGER.setLevel(level)
