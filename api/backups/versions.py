"""Which schema a backup carries, compared with the migrations this code knows."""

from __future__ import annotations

import pkgutil
from collections.abc import Sequence

import api.migrations
from api.backups import BackupRefused

# The one app of api.db.tortoise_config; the migrations table names rows after it.
APP_LABEL = "models"


def known_migrations() -> list[str]:
    """This code's migrations as ``models.0001_initial``…, found as Tortoise's loader finds them."""
    return sorted(
        f"{APP_LABEL}.{name}"
        for _, name, is_package in pkgutil.iter_modules(api.migrations.__path__)
        if not is_package and name[0] not in "_~"
    )


def require_migrated(applied: Sequence[str], source: object) -> None:
    """Refuse a copy with a migrations table that records nothing: no sheqia database."""
    if not applied:
        raise BackupRefused(
            f"不是 sheqia 数据库：没有任何已应用的迁移。{source}\n"
            "Not a sheqia database: no migrations were ever applied to it."
        )


def check_migrations(applied: Sequence[str], source: object) -> None:
    """Refuse a copy that is no sheqia database, or one from a newer sheqia than this."""
    require_migrated(applied, source)
    unknown = sorted(set(applied) - set(known_migrations()))
    if unknown:
        names = ", ".join(unknown)
        raise BackupRefused(
            f"备份来自更新版本的 sheqia，含本程序不认识的迁移：{names}。请先升级 sheqia 再恢复。\n"
            f"The backup comes from a newer sheqia (unknown migrations: {names}); "
            f"upgrade sheqia before restoring it."
        )


def pending_migrations(applied: Sequence[str]) -> list[str]:
    """The migrations this code has and the copy lacks: applied after a restore."""
    done = set(applied)
    return [name for name in known_migrations() if name not in done]
