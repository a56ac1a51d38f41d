"""`outcomes build`: load a folder of contract files and publish a new database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.commands.common import settings_from


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("build", help="load a folder of contract files and publish the database")
    b.add_argument("source", nargs="?", help="folder of input files (default: OUTCOMES_SOURCE_DIR)")
    b.add_argument("--db", help="database path (default: OUTCOMES_DB_PATH)")
    b.add_argument("--as-of", help="data cut-off date YYYY-MM-DD (default: latest date in data)")
    b.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.build import build
    from pipelines.load import ContractError

    settings = settings_from(args)
    source = Path(args.source) if args.source else settings.source_dir
    try:
        result = build(source, settings)
    except ContractError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for f in result.loaded:
        print(f"  {f.table:<14} {f.rows:>10,} rows  {f.path}")
    print(f"built {result.db_path} (data cut-off {result.as_of}) in {result.seconds:.1f} s")
    return 0
