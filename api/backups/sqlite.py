"""SQLite: an online backup through SQLite's backup API, and a checked, atomic restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tortoise.backends.base.config_generator import expand_db_url

from api.backups import Backup, BackupRefused, Progress, Restore
from api.backups.atomic import SQLITE_SIDECARS, destination, kept_copy_name, written_atomically
from api.backups.versions import check_migrations, require_migrated

HEADER = b"SQLite format 3\x00"
# Pages copied per step: 4 MiB at the default page size, so progress moves on a large
# database without the step overhead slowing the copy.
STEP_PAGES = 1024
# How long to wait for a lock the server holds for a moment (a commit, a checkpoint).
BUSY_SECONDS = 30.0

# How files are opened. Read-write even to only read a live database: a read-only
# connection to a WAL database leaves -wal and -shm files behind. A backup file nobody
# writes is read as it lies, which works on read-only media and leaves nothing beside it.
READ_WRITE = "mode=rw"
READ_ONLY = "mode=ro"
AT_REST = "mode=ro&immutable=1"

COPYING = "复制 / copying"
CHECKING = "检查 / checking"
KEEPING = "保留原库 / keeping the replaced database"


def database_file(database_url: str) -> Path:
    """The file of a ``sqlite://`` URL; an in-memory database has none to copy."""
    path = expand_db_url(database_url)["credentials"]["file_path"]
    if path == ":memory:":
        raise BackupRefused(
            "内存数据库无法备份或恢复。/ An in-memory database cannot be backed up or restored."
        )
    return Path(path)


def backup_sqlite(database: Path, out: Path, progress: Progress | None = None) -> Backup:
    """Copy the live ``database`` to ``out`` (a file, or a directory to name one in).

    The server may keep writing meanwhile: the copy is the database as it was when the
    copy began. It is checked, then renamed into place.
    """
    _require_sqlite_file(database)
    out = destination(out, ".sqlite")
    if out.exists() and out.samefile(database):
        raise BackupRefused(
            f"备份不能写到数据库文件本身：{out}\nThe backup cannot overwrite the database itself."
        )
    with written_atomically(out) as copy:
        _copy(database, copy, COPYING, progress, READ_WRITE)
        migrations = _check(copy, progress, shown=database)
        require_migrated(migrations, database)
    return Backup(out, out.stat().st_size, migrations)


def restore_sqlite(
    backup: Path, database: Path, *, force: bool, progress: Progress | None = None
) -> Restore:
    """Replace ``database`` with the sheqia backup ``backup``, keeping the one replaced.

    Refuses a file that is not an intact sheqia database this code can run, a database
    that has data unless ``force``, and a database a running server still has open.
    """
    _require_sqlite_file(backup)
    if database.exists():
        if database.samefile(backup):
            raise BackupRefused(
                f"要恢复的文件就是当前数据库：{backup}\nThe file to restore is the database itself."
            )
        if not force and has_data(database):
            raise BackupRefused(
                f"数据库中已有数据：{database}。确认要替换请加 --force（原库会另存一份）。\n"
                "The database has data; add --force to replace it (a copy of it is kept)."
            )
    _require_not_in_use(database)
    with written_atomically(database) as copy:
        # The backup is copied first and the copy checked: what is checked is what is placed.
        _copy(backup, copy, COPYING, progress, _access_to_backup(backup))
        migrations = _check(copy, progress, shown=backup)
        check_migrations(migrations, backup)
        kept = _keep(database, progress) if database.exists() else None
        _require_not_in_use(database)  # again, just before the rename
    return Restore(str(database), backup.stat().st_size, migrations, kept)


def has_data(database: Path) -> bool:
    """Whether any table but the migrations table has a row (an unreadable file counts)."""
    try:
        connection = _open(database, READ_WRITE)
        try:
            tables = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name <> 'tortoise_migrations'"
            ).fetchall()
            return any(
                connection.execute(f"SELECT 1 FROM {_quoted(name)} LIMIT 1").fetchone()
                for (name,) in tables
            )
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return True


def _copy(source: Path, target: Path, stage: str, progress: Progress | None, access: str) -> None:
    def report(status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(stage, total - remaining, total)

    try:
        source_db = _open(source, access)
        try:
            # One read transaction across every step pins one snapshot: the copy is
            # consistent, and in WAL mode the server's writers carry on meanwhile.
            # Without it each commit by another connection restarts the copy, which
            # under steady writes might never finish.
            source_db.execute("BEGIN")
            source_db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            target_db = sqlite3.connect(target)
            try:
                source_db.backup(target_db, pages=STEP_PAGES, progress=report)
                # One self-contained file: no -wal beside it to carry along.
                target_db.execute("PRAGMA journal_mode=DELETE")
            finally:
                target_db.close()
        finally:
            source_db.close()
    except sqlite3.DatabaseError as error:
        raise _unreadable(source, error) from error


def _check(path: Path, progress: Progress | None, *, shown: Path) -> tuple[str, ...]:
    """Intact (``PRAGMA integrity_check``) and a sheqia database: its applied migrations.

    ``path`` is a copy being made; messages name ``shown``, the file the operator knows.
    """
    if progress is not None:
        progress(CHECKING, 0, 1)
    try:
        connection = _open(path, READ_ONLY)
        try:
            verdict = [row[0] for row in connection.execute("PRAGMA integrity_check(5)")]
            if verdict != ["ok"]:
                raise _corrupt(shown, "; ".join(verdict))
            rows = _migration_rows(connection, shown)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise _unreadable(shown, error) from error
    if progress is not None:
        progress(CHECKING, 1, 1)
    return tuple(f"{app}.{name}" for app, name in rows)


def _migration_rows(connection: sqlite3.Connection, path: Path) -> list[tuple[str, str]]:
    try:
        query = "SELECT app, name FROM tortoise_migrations ORDER BY id"
        return connection.execute(query).fetchall()
    except sqlite3.OperationalError as error:
        if "no such table" not in str(error):
            raise
        raise BackupRefused(
            f"不是 sheqia 数据库：没有迁移记录表 tortoise_migrations。{path}\n"
            "Not a sheqia database: it has no migrations table."
        ) from error


def _require_not_in_use(database: Path) -> None:
    """Refuse to replace a database another process has open (a running server).

    SQLite removes the -wal and -shm files when the last connection closes; if they
    outlive ours, someone else holds the database, and renaming a file under them would
    lose their writes or mix their WAL into the new file.
    """
    if database.exists():
        connection = _open(database, READ_WRITE)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    leftovers = [f"{database.name}{s}" for s in SQLITE_SIDECARS if Path(f"{database}{s}").exists()]
    if leftovers:
        names = ", ".join(leftovers)
        raise BackupRefused(
            f"数据库正在使用中（{names} 仍在）：请先停止 sheqia 服务再恢复。\n"
            f"The database is in use ({names} still there): stop the sheqia server first."
        )


def _keep(database: Path, progress: Progress | None) -> Path:
    kept = kept_copy_name(database)
    with written_atomically(kept) as copy:
        _copy(database, copy, KEEPING, progress, READ_WRITE)
    return kept


def _require_sqlite_file(path: Path) -> None:
    if not path.is_file():
        raise BackupRefused(f"文件不存在：{path}\nNo such file.")
    with path.open("rb") as file:
        head = file.read(len(HEADER))
    if head.startswith(b"PGDMP"):
        raise BackupRefused(
            f"这是 PostgreSQL 的 pg_dump 备份，不能恢复到 SQLite：{path}\n"
            "This is a pg_dump archive: restore it into PostgreSQL, not SQLite."
        )
    if head != HEADER:
        raise BackupRefused(f"不是 SQLite 数据库文件：{path}\nNot a SQLite database file.")


def _access_to_backup(backup: Path) -> str:
    # A -wal beside it holds part of its content: then it is opened as a live database.
    return READ_WRITE if Path(f"{backup}-wal").exists() else AT_REST


def _open(path: Path, access: str) -> sqlite3.Connection:
    # A URI, so that a missing file is an error rather than a new empty database.
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?{access}",
        uri=True,
        timeout=BUSY_SECONDS,
        isolation_level=None,
    )


def _unreadable(path: Path, error: sqlite3.DatabaseError) -> BackupRefused:
    if getattr(error, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return _corrupt(path, str(error))
    return BackupRefused(f"无法读取数据库：{path}（{error}）\nCannot read the database: {error}")


def _corrupt(path: Path, detail: str) -> BackupRefused:
    return BackupRefused(
        f"数据库文件已损坏：{path}（{detail}）\nThe database file is corrupt: {detail}"
    )


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
