"""``sheqia export ocds``: a fair's OCDS release package (or record package) as a file."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from api.cli.running import run, with_orm
from api.errors import DomainError, ErrorCode
from api.settings import load_settings

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@click.command(name="ocds")
@click.option("--fair", "edition", required=True, type=int, help="Fair edition (届).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--records", is_flag=True, help="Write the record package instead of releases.")
@click.option(
    "--base-url",
    default=DEFAULT_BASE_URL,
    show_default=True,
    help="The public address of the service: package and release URLs start with it.",
)
def export_ocds(edition: int, out: Path, records: bool, base_url: str) -> None:
    """The fair's public projects as an OCDS 1.1 release package (or record package).

    The ocid prefix is SHEQIA_OCID_PREFIX.
    """
    from api.fairs.models import Fair
    from api.ocds.packages import Publication, fair_releases, record_package, release_package

    settings = load_settings()
    publication = Publication(settings.ocid_prefix, base_url.rstrip("/"))

    async def work() -> int:
        fair = await Fair.get_or_none(edition=edition)
        if fair is None:
            message = f"没有第 {edition} 届社洽会。No such fair."
            raise DomainError.one(ErrorCode.NOT_FOUND, message, ["fair"])
        releases = await fair_releases(fair, publication)
        if not releases:
            message = f"「{fair.name}」还没有公开的项目。The fair has no public project yet."
            raise DomainError.one(ErrorCode.NOT_FOUND, message, ["fair"])
        build = record_package if records else release_package
        package = build(fair, publication, releases)
        out.write_bytes(orjson.dumps(package, option=orjson.OPT_INDENT_2))
        return len(releases)

    try:
        count = run(settings, lambda: with_orm(settings, work))
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    kind = "记录包 / record package" if records else "发布包 / release package"
    click.echo(f"已导出 OCDS {kind}: {count:,} 个项目 → {out}")
