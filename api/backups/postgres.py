"""PostgreSQL: ``pg_dump`` in the custom format, checked, and ``pg_restore`` in one transaction.

The client tools come from the PATH; their major version must be the server's or newer.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

from api.backups import Backup, BackupRefused, Progress, Restore
from api.backups.atomic import destination, kept_copy_name, written_atomically
from api.backups.sqlite import HEADER as SQLITE_HEADER
from api.backups.versions import check_migrations, require_migrated

DUMPING = "pg_dump"
CHECKING = "检查 / checking"
KEEPING = "保留原库 / keeping the replaced database"
RESTORING = "pg_restore"

# The data of the migrations table in pg_restore's SQL output: the COPY line names the
# columns, rows follow tab-separated, a line "\." ends them.
_COPY_MIGRATIONS = re.compile(r'^COPY (?:[\w"]+\.)?"?tortoise_migrations"? \((?P<columns>[^)]*)\)')


@dataclass(frozen=True)
class Server:
    """Where a ``postgres://`` URL points, as the client tools take it."""

    host: str | None
    port: int | None
    user: str | None
    password: str | None
    database: str

    @classmethod
    def from_url(cls, url: str) -> Server:
        credentials = expand_db_url(url)["credentials"]
        return cls(
            host=credentials.get("host"),
            port=credentials.get("port"),
            user=credentials.get("user"),
            password=credentials.get("password"),
            database=credentials["database"],
        )

    def options(self) -> list[str]:
        """Connection options; ``--no-password`` so a cron job fails instead of waiting."""
        options = ["--no-password"]
        if self.host:
            options.append(f"--host={self.host}")
        if self.port:
            options.append(f"--port={self.port}")
        if self.user:
            options.append(f"--username={self.user}")
        return options

    def environment(self) -> dict[str, str]:
        # The password goes by environment: a command line is visible to every user.
        environment = dict(os.environ)
        if self.password:
            environment["PGPASSWORD"] = self.password
        return environment


def backup_postgres(database_url: str, out: Path, progress: Progress | None = None) -> Backup:
    """Dump the database to ``out`` (a file, or a directory to name one in), then check it."""
    server = Server.from_url(database_url)
    out = destination(out, ".dump")
    with written_atomically(out) as archive:
        _dump(server, archive, DUMPING, progress)
        migrations = read_archive(archive, progress)
        require_migrated(migrations, server.database)
    return Backup(out, out.stat().st_size, migrations)


def restore_postgres(
    archive: Path, database_url: str, *, force: bool, progress: Progress | None = None
) -> Restore:
    """Restore the sheqia archive into the database, all in one transaction.

    Refuses an archive that is not a sheqia database this code can run, and a database
    that has data unless ``force``; that database is first dumped beside the archive.
    """
    server = Server.from_url(database_url)
    migrations = read_archive(archive, progress)
    check_migrations(migrations, archive)
    kept = None
    if asyncio.run(_has_data(server)):
        if not force:
            raise BackupRefused(
                f"数据库 {server.database} 中已有数据。"
                "确认要替换请加 --force（原库会先导出一份）。\n"
                "The database has data; add --force to replace it (it is dumped first)."
            )
        kept = kept_copy_name(archive.with_name(server.database), ".dump")
        with written_atomically(kept) as dump:
            _dump(server, dump, KEEPING, progress)
    _step(progress, RESTORING, 0)
    _run(
        _tool("pg_restore"),
        # --clean --if-exists: replace what the archive holds; --no-owner --no-privileges:
        # everything restored belongs to the role restoring it, whoever owned it before;
        # --single-transaction: all of it or, on any error, none of it.
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        *server.options(),
        f"--dbname={server.database}",
        str(archive),
        server=server,
    )
    _step(progress, RESTORING, 1)
    return Restore(server.database, archive.stat().st_size, migrations, kept)


def read_archive(archive: Path, progress: Progress | None = None) -> tuple[str, ...]:
    """The migrations recorded in a pg_dump archive, reading all of it.

    Reading every byte finds a truncated or damaged archive now, not halfway through a
    restore; the rows of the migrations table say it is a sheqia database, and which.
    """
    _require_archive(archive)
    _step(progress, CHECKING, 0)
    with tempfile.TemporaryFile() as errors:
        reader = subprocess.Popen(
            [_tool("pg_restore"), "--file=-", str(archive)],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        assert reader.stdout is not None
        rows = _migration_rows(reader.stdout)
        for _ in reader.stdout:  # the rest, to the end: every byte is read
            pass
        if reader.wait() != 0:
            errors.seek(0)
            detail = errors.read().decode("utf-8", "replace").strip()
            raise BackupRefused(
                f"pg_dump 备份无法读取或已损坏：{archive}\n"
                f"The pg_dump archive cannot be read or is damaged: {detail}"
            )
    if rows is None:
        raise BackupRefused(
            f"不是 sheqia 数据库的备份：没有迁移记录表 tortoise_migrations。{archive}\n"
            "Not a backup of a sheqia database: it has no migrations table."
        )
    _step(progress, CHECKING, 1)
    return rows


def _migration_rows(lines: Iterator[str]) -> tuple[str, ...] | None:
    """``app.name`` of each row of the migrations table's COPY block, None if there is none."""
    for line in lines:
        match = _COPY_MIGRATIONS.match(line)
        if match is None:
            continue
        columns = [c.strip().strip('"') for c in match["columns"].split(",")]
        app, name = columns.index("app"), columns.index("name")
        rows: list[str] = []
        for row in lines:
            if row.rstrip("\n") == "\\.":
                return tuple(rows)
            values = row.rstrip("\n").split("\t")
            rows.append(f"{values[app]}.{values[name]}")
        return tuple(rows)
    return None


def _dump(server: Server, out: Path, stage: str, progress: Progress | None) -> None:
    _step(progress, stage, 0)
    _run(
        _tool("pg_dump"),
        "--format=custom",
        *server.options(),
        f"--file={out}",
        server.database,
        server=server,
    )
    _step(progress, stage, 1)


async def _has_data(server: Server) -> bool:
    """Whether any table but the migrations table has a row."""
    try:
        connection = await asyncpg.connect(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password,
            database=server.database,
        )
    except asyncpg.InvalidCatalogNameError as error:
        raise BackupRefused(
            f"数据库 {server.database} 不存在：请先创建（createdb）。\n"
            "The database does not exist: create it first (createdb)."
        ) from error
    except (OSError, asyncpg.PostgresError) as error:
        raise BackupRefused(
            f"无法连接数据库 {server.database}：{error}\nCannot reach the database: {error}"
        ) from error
    try:
        tables = await connection.fetch(
            "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            " AND tablename <> 'tortoise_migrations'"
        )
        for table in tables:
            if await connection.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table['name']})"):
                return True
        return False
    finally:
        await connection.close()


def _require_archive(archive: Path) -> None:
    if not archive.is_file():
        raise BackupRefused(f"文件不存在：{archive}\nNo such file.")
    with archive.open("rb") as file:
        head = file.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        raise BackupRefused(
            f"这是 SQLite 数据库，不能恢复到 PostgreSQL：{archive}\n"
            "This is a SQLite database: restore it with SHEQIA_DATABASE_URL=sqlite://…"
        )
    if not head.startswith(b"PGDMP"):
        raise BackupRefused(
            f"不是 pg_dump 自定义格式（-Fc）的备份：{archive}\n"
            "Not a pg_dump archive in the custom format (pg_dump -Fc)."
        )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupRefused(
            f"找不到 {name}：请安装 PostgreSQL 客户端工具（主版本不低于服务器），"
            f"或按 docs/backup.md 的步骤手工备份与恢复。\n"
            f"{name} is not on the PATH: install the PostgreSQL client tools (the server's "
            f"major version or newer), or follow the steps in docs/backup.md."
        )
    return found


def _run(*command: str, server: Server) -> None:
    done = subprocess.run(command, env=server.environment(), capture_output=True, text=True)
    if done.returncode != 0:
        tool = Path(command[0]).name
        raise BackupRefused(
            f"{tool} 失败（退出码 {done.returncode}）/ {tool} failed (exit {done.returncode}):\n"
            f"{done.stderr.strip()}"
        )


def _step(progress: Progress | None, stage: str, done: int) -> None:
    if progress is not None:
        progress(stage, done, 1)
