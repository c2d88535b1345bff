"""Files written aside and renamed into place, so a crash never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from api.backups import BackupRefused

# Files SQLite keeps beside a database; a stale one beside a new file would be read
# as part of it, so they go wherever their database goes.
SQLITE_SIDECARS = ("-journal", "-wal", "-shm")


def stamp() -> str:
    """A UTC time for file names: sorts by time and reads the same in every zone."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def destination(out: Path, suffix: str) -> Path:
    """``out`` itself, or a time-stamped file inside it when it is a directory."""
    if out.is_dir():
        return out / f"sheqia-{stamp()}{suffix}"
    if not out.parent.is_dir():
        raise _refused_directory(out)
    return out


def kept_copy_name(path: Path, suffix: str = "") -> Path:
    """Where a database about to be replaced by a restore is kept."""
    return path.with_name(f"{path.name}.before-restore-{stamp()}{suffix}")


@contextlib.contextmanager
def written_atomically(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; when the block succeeds it becomes ``final``.

    Beside, not in a temp directory: a rename is atomic only within one file system.
    """
    if not final.parent.is_dir():
        raise _refused_directory(final)
    temporary = final.with_name(f".{final.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield temporary
        _fsync(temporary)
        os.replace(temporary, final)
        _fsync_directory(final.parent)
    finally:
        for path in (temporary, *(Path(f"{temporary}{s}") for s in SQLITE_SIDECARS)):
            path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with path.open("rb+") as file:
        os.fsync(file.fileno())


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _refused_directory(path: Path) -> BackupRefused:
    return BackupRefused(f"目录不存在 / directory does not exist: {path.parent}")
