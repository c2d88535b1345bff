"""``sheqia serve``: migrate, load the demo fair when asked, and serve."""

from __future__ import annotations

import os
import sys

import click

from api import db
from api.auth.models import Account
from api.cli.admin import load_seeds
from api.cli.running import run, with_orm
from api.settings import Settings, load_settings
from seeds import DEMO_ACCOUNTS, DemoAccount


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes (PostgreSQL only when more than one).",
)
@click.option("--demo", is_flag=True, help="Load the demo fair if the database has no fair yet.")
@click.option(
    "--ws-compression/--no-ws-compression",
    default=False,
    show_default=True,
    help="Per-message deflate on WebSockets (live events): off saves CPU per delivery.",
)
def serve(host: str, port: int, workers: int, demo: bool, ws_compression: bool) -> None:
    """Migrate the database, then serve the API and the front end."""
    settings = load_settings()
    if workers > 1 and settings.is_sqlite:
        # Each worker would hold its own SQLite connection and writers would lock each
        # other out; one process serialises writes correctly.
        click.echo(
            "错误：SQLite 文件数据库只能由一个 worker 使用（--workers 1）。"
            "多个 worker 请改用 PostgreSQL：设置 SHEQIA_DATABASE_URL=postgres://user@host:5432/db\n"
            "Error: a SQLite file database serves one worker only. For several workers use "
            "PostgreSQL via SHEQIA_DATABASE_URL.",
            err=True,
        )
        sys.exit(2)
    if workers > 1 and settings.broker_url is None:
        _share_events_through_the_database(settings)
    accounts = run(settings, lambda: _prepare_to_serve(settings, demo))
    if demo:
        _print_demo_accounts(accounts)
    base = f"http://{_browsable(host)}:{port}"
    click.echo(f"社洽会 / front end: {base}/")
    click.echo(f"GraphQL:            {base}/graphql")

    import uvicorn  # only the serving command needs it

    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # Behind a reverse proxy, client addresses and https come from its headers
        # (trusted from the addresses in FORWARDED_ALLOW_IPS, default 127.0.0.1).
        proxy_headers=True,
        # Event messages are a few hundred bytes: compressing them saves little and cost a
        # fifth of a worker's CPU per delivered event (bench/live.py), so off by default.
        ws_per_message_deflate=ws_compression,
        # On a restart, open WebSockets are closed (clients reconnect) instead of waited for.
        timeout_graceful_shutdown=10,
    )


def _share_events_through_the_database(settings: Settings) -> None:
    # Workers must hear each other's events; without a broker configured, the PostgreSQL
    # database they share carries them (LISTEN/NOTIFY). The workers read the environment.
    os.environ["SHEQIA_BROKER_URL"] = settings.database_url
    click.echo("实时消息经由 PostgreSQL 转发 / live events via PostgreSQL LISTEN/NOTIFY")


async def _prepare_to_serve(settings: Settings, demo: bool) -> list[DemoAccount]:
    """Migrate; with ``demo``, make sure the demo fair is there and name its accounts."""
    if not demo:
        await db.migrate(settings)
        return []
    return await with_orm(settings, _ensure_demo)


async def _ensure_demo() -> list[DemoAccount]:
    from api.fairs.models import Fair

    if not await Fair.exists():
        click.echo("载入演示数据 / loading the demo fair …")
        await load_seeds("demo", None)
    # Name only the accounts really there: a database with other data may lack them.
    usernames = [account.username for account in DEMO_ACCOUNTS]
    present = set(await Account.filter(username__in=usernames).values_list("username", flat=True))
    return [account for account in DEMO_ACCOUNTS if account.username in present]


def _print_demo_accounts(accounts: list[DemoAccount]) -> None:
    if not accounts:
        click.echo("（数据库中没有演示账号 / no demo accounts in this database）")
        return
    click.echo("演示账号 / demo accounts (username / password / role):")
    name_width = max(len(a.username) for a in accounts)
    password_width = max(len(a.password) for a in accounts)
    for a in accounts:
        click.echo(
            f"  {a.username:<{name_width}}  {a.password:<{password_width}}  "
            f"{a.role.value:<12}  {a.description}"
        )


def _browsable(host: str) -> str:
    # A wildcard address is where the server listens, not where a browser can go.
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
