"""``sheqia backup`` and ``sheqia restore`` on SQLite: a restored file serves the same fair.

SQLite files of their own, seeded and served by ``sheqia`` in processes of their own (as
in tests/test_cli.py); the refusals are checked on the domain functions directly.
The PostgreSQL leg is in tests/test_backup_postgres.py.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from api.backups import BackupRefused
from api.backups import sqlite as sqlite_backups
from api.backups.sqlite import backup_sqlite, restore_sqlite
from api.backups.versions import known_migrations
from tests.served_fair import served_fairs, sheqia


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the demo fairs, made once by `sheqia seed --scale demo`."""
    path = tmp_path_factory.mktemp("seeded") / "db.sqlite"
    result = sheqia(f"sqlite://{path}", "seed", "--scale", "demo")
    assert result.exit_code == 0, result.output + result.stderr
    return path


@pytest.fixture
def live(seeded: Path, tmp_path: Path) -> Path:
    """A copy of the seeded database for one test to write to."""
    path = tmp_path / "live.sqlite"
    shutil.copyfile(seeded, path)
    return path


class Writer(threading.Thread):
    """Commits a row after row into the database, as a busy server would, until stopped."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.written = 0
        self.failure: BaseException | None = None
        self.stopped = threading.Event()
        with contextlib.closing(sqlite3.connect(path)) as connection:
            connection.execute("CREATE TABLE backup_probe (n INTEGER PRIMARY KEY, at REAL)")
            connection.commit()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            while not self.stopped.is_set():
                connection.execute("INSERT INTO backup_probe (at) VALUES (?)", (time.time(),))
                self.written += 1
                time.sleep(0.001)
        except BaseException as failure:
            self.failure = failure
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=30)
        assert self.failure is None, self.failure


def test_a_backup_taken_while_writes_go_on_restores_to_the_same_fair(
    live: Path, tmp_path: Path
) -> None:
    # Given the demo fair in a SQLite file and a writer committing to it all along,
    writer = Writer(live)
    writer.start()
    try:
        while writer.written < 10:  # writing before the backup starts
            time.sleep(0.01)
        # when `sheqia backup` copies it and `sheqia restore` puts the copy in a new place,
        backup = tmp_path / "nightly.sqlite"
        made = sheqia(f"sqlite://{live}", "backup", str(backup))
    finally:
        writer.stop()
    assert made.exit_code == 0, made.output + made.stderr
    restored = tmp_path / "restored" / "db.sqlite"
    restored.parent.mkdir()
    put = sheqia(f"sqlite://{restored}", "restore", str(backup))
    assert put.exit_code == 0, put.output + put.stderr

    # then the backup is one consistent moment of the writes (rows 1..n, none missing),
    [(count, highest)] = rows(restored, "SELECT count(*), max(n) FROM backup_probe")
    assert count == highest >= 10
    assert rows(live, "SELECT count(*) FROM backup_probe") == [(writer.written,)]
    # the commands say what they did, with size and time,
    for output in (made.output, put.output):
        assert "KB" in output or "MB" in output
        assert "elapsed" in output
    assert "nightly.sqlite" in made.output
    # and the restored database serves the same fair as the original.
    original, copy = served_fairs(f"sqlite://{live}", f"sqlite://{restored}")
    assert copy == original
    assert len(original["projects"]) > 0
    assert original["fairs"][0]["stats"]["projectCount"] > 0


def test_the_copy_is_one_snapshot_though_commits_land_between_its_steps(
    live: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a database copied a few pages at a time, another connection committing a
    # row after every step (the server carrying on),
    monkeypatch.setattr(sqlite_backups, "STEP_PAGES", 16)
    connection = sqlite3.connect(live, isolation_level=None)
    connection.execute("CREATE TABLE backup_probe (n INTEGER PRIMARY KEY, at REAL)")
    connection.execute("INSERT INTO backup_probe (at) VALUES (0)")
    steps: list[str] = []

    def commit_a_row(stage: str, done: int, total: int) -> None:
        steps.append(stage)
        connection.execute("INSERT INTO backup_probe (at) VALUES (?)", (done,))

    # when it is backed up,
    made = backup_sqlite(live, tmp_path / "copy.sqlite", commit_a_row)
    connection.close()

    # then the copy finished with every commit done meanwhile, and holds the database as
    # it was when the copy began; the copy is a single file, checked and named.
    copies = steps.count(sqlite_backups.COPYING)
    assert copies > 2
    assert rows(live, "SELECT count(*) FROM backup_probe") == [(1 + len(steps),)]
    assert rows(made.path, "SELECT count(*) FROM backup_probe") == [(1,)]
    assert made.migrations == tuple(known_migrations())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite", "live.sqlite"]


def test_backup_into_a_directory_names_a_file_by_the_time(live: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    made = sheqia(f"sqlite://{live}", "backup", str(folder))
    assert made.exit_code == 0, made.stderr
    [written] = folder.iterdir()
    assert written.name.startswith("sheqia-") and written.suffix == ".sqlite"
    assert rows(written, "PRAGMA integrity_check") == [("ok",)]


def test_restore_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("这不是数据库 / not a database\n" * 100, encoding="utf-8")
    target = tmp_path / "db.sqlite"
    with pytest.raises(BackupRefused) as refusal:
        restore_sqlite(text, target, force=True)
    assert "不是 SQLite 数据库文件" in str(refusal.value)
    assert "Not a SQLite database file" in str(refusal.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_restore_refuses_a_corrupt_file_and_leaves_the_database_as_it_was(
    seeded: Path, live: Path, tmp_path: Path
) -> None:
    # Given a backup with a stretch of its pages overwritten,
    damaged = tmp_path / "damaged.sqlite"
    content = bytearray(seeded.read_bytes())
    middle = len(content) // 3
    content[middle : middle + 16384] = b"\x5a" * 16384
    damaged.write_bytes(bytes(content))
    before = live.read_bytes()
    # when it is restored, even with --force,
    result = sheqia(f"sqlite://{live}", "restore", str(damaged), "--force")
    # then it is refused, saying so in both languages, and nothing changed.
    assert result.exit_code == 1
    assert "已损坏" in result.stderr and "corrupt" in result.stderr
    assert str(damaged) in result.stderr
    assert live.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.sqlite", "live.sqlite"]


def test_restore_refuses_a_sqlite_file_that_is_not_a_sheqia_database(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    with contextlib.closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.commit()
    with pytest.raises(BackupRefused) as refusal:
        restore_sqlite(other, tmp_path / "db.sqlite", force=True)
    assert "tortoise_migrations" in str(refusal.value)
    assert "Not a sheqia database" in str(refusal.value)


def test_restore_refuses_a_backup_from_a_newer_sheqia(seeded: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    shutil.copyfile(seeded, newer)
    with contextlib.closing(sqlite3.connect(newer)) as connection:
        connection.execute(
            "INSERT INTO tortoise_migrations (app, name, applied_at)"
            " VALUES ('models', '9999_from_the_future', '2030-01-01 00:00:00+00:00')"
        )
        connection.commit()
    with pytest.raises(BackupRefused) as refusal:
        restore_sqlite(newer, tmp_path / "db.sqlite", force=True)
    assert "models.9999_from_the_future" in str(refusal.value)
    assert "newer sheqia" in str(refusal.value)
    assert not (tmp_path / "db.sqlite").exists()


def test_restore_over_data_needs_force_and_keeps_the_database_it_replaces(
    seeded: Path, live: Path, tmp_path: Path
) -> None:
    # Given a database with data of its own (a fair renamed since the backup),
    with contextlib.closing(sqlite3.connect(live)) as connection:
        connection.execute("UPDATE fair SET name = 'replaced soon' WHERE id = 1")
        connection.commit()
    before = rows(live, "SELECT name FROM fair ORDER BY id")
    # when a backup is restored over it without --force, it is refused and left alone;
    refused = sheqia(f"sqlite://{live}", "restore", str(seeded))
    assert refused.exit_code == 1
    assert "--force" in refused.stderr and "已有数据" in refused.stderr
    assert rows(live, "SELECT name FROM fair ORDER BY id") == before
    # with --force it is replaced, and the database replaced is kept beside it.
    forced = sheqia(f"sqlite://{live}", "restore", str(seeded), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert rows(live, "SELECT name FROM fair ORDER BY id") == rows(
        seeded, "SELECT name FROM fair ORDER BY id"
    )
    [kept] = tmp_path.glob("live.sqlite.before-restore-*")
    assert kept.name in forced.output
    assert rows(kept, "SELECT name FROM fair ORDER BY id") == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_restore_refuses_a_database_a_server_still_has_open(seeded: Path, live: Path) -> None:
    # Given the database open in WAL mode by another process's connection (a server),
    server = sqlite3.connect(live, isolation_level=None)
    try:
        server.execute("PRAGMA journal_mode=WAL")
        server.execute("SELECT count(*) FROM fair").fetchone()
        with pytest.raises(BackupRefused) as refusal:
            restore_sqlite(seeded, live, force=True)
    finally:
        server.close()
    assert "stop the sheqia server" in str(refusal.value)
    assert rows(live, "SELECT count(*) FROM tortoise_migrations") == [(len(known_migrations()),)]


# What each migration after 0002 did, undone in SQLite, to make a backup of before it.
UNDO: dict[str, list[str]] = {
    "models.0003_match_slot_anywhere_index": ["DROP INDEX idx_match_slot_anywhere"],
    "models.0004_login_throttle_idempotency": [
        "DROP TABLE login_throttle",
        "DROP TABLE idempotent_response",
    ],
    "models.0006_satisfaction_surveys": [
        "DROP TABLE survey_answer",
        "DROP TABLE satisfaction_survey",
        "ALTER TABLE fair DROP COLUMN survey_questions",
        "ALTER TABLE fair DROP COLUMN survey_min_answers",
    ],
    "models.0007_project_withdrawal": [
        "ALTER TABLE bid DROP COLUMN release_notice",
        "ALTER TABLE project DROP COLUMN withdrawal_reason",
        "ALTER TABLE project DROP COLUMN withdrawn_at",
    ],
}


def test_restoring_an_older_backup_applies_the_migrations_it_lacks(
    seeded: Path, tmp_path: Path
) -> None:
    # Given a backup made before the migrations since 0002 existed (their effects undone),
    older = tmp_path / "older.sqlite"
    shutil.copyfile(seeded, older)
    assert list(UNDO) == known_migrations()[2:], "every migration after 0002 has its undo here"
    last = known_migrations()[-1]
    with contextlib.closing(sqlite3.connect(older)) as connection:
        for name, statements in reversed(UNDO.items()):
            for statement in statements:
                connection.execute(statement)
            connection.execute(
                "DELETE FROM tortoise_migrations WHERE app || '.' || name = ?", (name,)
            )
        connection.commit()
    # when it is restored, then the restore brings it up to this code's migrations.
    target = tmp_path / "db.sqlite"
    result = sheqia(f"sqlite://{target}", "restore", str(older))
    assert result.exit_code == 0, result.stderr
    for migration in UNDO:
        assert f"applied: {migration}" in result.output
    assert f"applied: {last}" in result.output
    assert len(rows(target, "SELECT name FROM tortoise_migrations")) == len(known_migrations())
    assert rows(target, "SELECT name FROM pragma_table_info('project') WHERE name = 'withdrawn_at'")
    assert rows(target, "SELECT name FROM sqlite_master WHERE name = 'idx_match_slot_anywhere'")
    assert rows(target, "SELECT name FROM sqlite_master WHERE name = 'login_throttle'")
