"""The PostgreSQL leg of backups: the documented pg_dump/pg_restore steps, and
``sheqia backup``/``restore`` on PostgreSQL, each checked against the fair it started from.

Runs when ``SHEQIA_TEST_DATABASE_URL`` names a PostgreSQL database, in two databases
beside it (``<name>_source``, ``<name>_restored``) that it creates and drops. With ``CI``
set, missing client tools fail the leg instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from api.backups.postgres import Server
from api.settings import _normalise_url
from tests.served_fair import served_fairs, sheqia

pytestmark = pytest.mark.postgres


def _unavailable(reason: str) -> None:
    """Skip with the reason; in CI (``CI`` set) fail instead: CI must run this leg."""
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL backup tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass(frozen=True)
class PostgresPair:
    """Two databases of this test beside the test database: seeded and restored into."""

    source: str
    restored: str

    @staticmethod
    def client_options(url: str) -> list[str]:
        server = Server.from_url(url)
        options = [f"--host={server.host}", f"--port={server.port}"]
        return [*options, f"--username={server.user}"] if server.user else options

    @staticmethod
    def environment(url: str) -> dict[str, str]:
        return Server.from_url(url).environment()

    def recreate(self, url: str) -> None:
        name = Server.from_url(url).database
        options, environment = self.client_options(url), self.environment(url)
        run = [["dropdb", "--if-exists", "--force", *options, name], ["createdb", *options, name]]
        for command in run:
            subprocess.run(command, check=True, env=environment, capture_output=True)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresPair]:
    url = _normalise_url(os.environ.get("SHEQIA_TEST_DATABASE_URL", ""))
    if not url.startswith("postgres://"):
        pytest.skip("PostgreSQL leg: set SHEQIA_TEST_DATABASE_URL to a PostgreSQL database")
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        if shutil.which(tool) is None:
            _unavailable(f"{tool} is not on the PATH (install the PostgreSQL client tools)")
    parts = urlsplit(url)
    base = parts.path.lstrip("/")
    pair = PostgresPair(
        source=parts._replace(path=f"/{base}_source").geturl(),
        restored=parts._replace(path=f"/{base}_restored").geturl(),
    )
    pair.recreate(pair.source)
    seeded = sheqia(pair.source, "seed", "--scale", "demo")
    assert seeded.exit_code == 0, seeded.output + seeded.stderr
    yield pair
    for database_url in (pair.source, pair.restored):
        name = Server.from_url(database_url).database
        subprocess.run(
            ["dropdb", "--if-exists", "--force", *pair.client_options(database_url), name],
            env=pair.environment(database_url),
            capture_output=True,
        )


def postgres_fingerprint(database_url: str) -> list[str]:
    """Every project's id, code and budget, and the fairs' names, read with psql."""
    server = Server.from_url(database_url)
    sql = (
        "SELECT string_agg(id || ' ' || code || ' ' || budget, ',' ORDER BY id) FROM project"
        " UNION ALL SELECT string_agg(name, ',' ORDER BY id) FROM fair"
    )
    done = subprocess.run(
        ["psql", *PostgresPair.client_options(database_url), "-At", "-c", sql, server.database],
        env=server.environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_the_documented_pg_dump_and_pg_restore_steps_serve_the_same_fair(
    postgres: PostgresPair, tmp_path: Path
) -> None:
    # Given the demo fair in PostgreSQL,
    source, restored = Server.from_url(postgres.source), Server.from_url(postgres.restored)
    archive = tmp_path / "sheqia.dump"
    # when it is dumped, restored into a fresh database and migrated, as docs/backup.md says,
    dump = [
        "pg_dump",
        *postgres.client_options(postgres.source),
        "--format=custom",
        f"--file={archive}",
        source.database,
    ]
    subprocess.run(dump, check=True, env=source.environment())
    postgres.recreate(postgres.restored)
    restore = [
        "pg_restore",
        *postgres.client_options(postgres.restored),
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={restored.database}",
        str(archive),
    ]
    subprocess.run(restore, check=True, env=restored.environment())
    migrated = sheqia(postgres.restored, "migrate")
    assert migrated.exit_code == 0, migrated.stderr
    assert "up to date" in migrated.output

    # then the restored database serves the same fair as the original.
    original, copy = served_fairs(postgres.source, postgres.restored)
    assert copy == original
    assert len(original["projects"]) > 0


def test_sheqia_backup_and_restore_on_postgres(postgres: PostgresPair, tmp_path: Path) -> None:
    # Given the demo fair in PostgreSQL and an empty database to restore into,
    postgres.recreate(postgres.restored)
    made = sheqia(postgres.source, "backup", str(tmp_path))
    assert made.exit_code == 0, made.stderr
    [archive] = tmp_path.glob("sheqia-*.dump")
    # when `sheqia restore` puts the backup there, the database holds the same fair;
    first = sheqia(postgres.restored, "restore", str(archive))
    assert first.exit_code == 0, first.stderr
    assert postgres_fingerprint(postgres.restored) == postgres_fingerprint(postgres.source)
    # a second restore over that data is refused without --force,
    again = sheqia(postgres.restored, "restore", str(archive))
    assert again.exit_code == 1
    assert "--force" in again.stderr
    # and done with it, the database it replaced dumped beside the archive first.
    forced = sheqia(postgres.restored, "restore", str(archive), "--force")
    assert forced.exit_code == 0, forced.stderr
    [kept] = tmp_path.glob(f"{Server.from_url(postgres.restored).database}.before-restore-*")
    assert kept.read_bytes().startswith(b"PGDMP")
    assert postgres_fingerprint(postgres.restored) == postgres_fingerprint(postgres.source)
    # A SQLite file or a text file is not taken for a pg_dump archive.
    text = tmp_path / "notes.dump"
    text.write_text("not an archive\n", encoding="utf-8")
    wrong = sheqia(postgres.restored, "restore", str(text))
    assert wrong.exit_code == 1
    assert "pg_dump -Fc" in wrong.stderr
