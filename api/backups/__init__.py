"""Backups of the fair's database, and restoring them.

SQLite is copied online through SQLite's own backup API, so the server keeps serving and
writing while the copy is made; PostgreSQL goes through ``pg_dump``/``pg_restore`` in the
custom format. Every backup is checked before it is kept, every file to restore is checked
before anything is replaced, and files are written aside and then renamed, so a crash
leaves either the old file or the new one, never half of one.

Plain synchronous code: its callers are the ``sheqia backup`` and ``restore`` commands,
never the server's event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Progress = Callable[[str, int, int], None]
"""Told (stage, done, total) as work advances; a stage is done when done == total."""


class BackupRefused(Exception):
    """A backup or restore not done, with the reason for the operator (Chinese / English)."""


@dataclass(frozen=True)
class Backup:
    """A backup written and checked."""

    path: Path
    size: int
    """Bytes."""
    migrations: tuple[str, ...]
    """The migrations applied in the copy, as ``app.name``."""


@dataclass(frozen=True)
class Restore:
    """A database replaced by a backup."""

    database: str
    """The SQLite file or the PostgreSQL database restored into."""
    size: int
    """Bytes of the backup restored."""
    migrations: tuple[str, ...]
    """The migrations applied in the backup: those it lacks are still to apply."""
    kept: Path | None = None
    """A copy of the database it replaced: a SQLite file whenever there was one, a
    PostgreSQL database when it had data."""
