"""The ``sheqia`` command: serve the fair and administer it, one module per family."""

from __future__ import annotations

import click

from api.cli.admin import createuser, migrate, seed
from api.cli.backup import backup, restore
from api.cli.ocds import export_ocds
from api.cli.serving import serve
from api.cli.spreadsheets import export, import_


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """社洽会 (the community service project fair): server and administration."""


for command in (serve, migrate, seed, createuser, import_, export, backup, restore):
    main.add_command(command)
# `sheqia export ocds` lives with the OCDS export, in the spreadsheets' export group.
export.add_command(export_ocds)
