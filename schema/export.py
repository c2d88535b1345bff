"""Writing the served schema to ``schema/schema.graphql`` (``python -m schema.export``)."""

from __future__ import annotations

import sys
from pathlib import Path

from schema.schema import schema

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.graphql"


def served_sdl() -> str:
    return schema.as_str() + "\n"


def main() -> int:
    SCHEMA_FILE.write_text(served_sdl(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
