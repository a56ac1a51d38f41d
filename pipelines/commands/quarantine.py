"""`outcomes quarantine`: list or export the rows a load rejected."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.commands.common import settings_from

SHOWN = 50


def register(sub: argparse._SubParsersAction) -> None:
    q = sub.add_parser("quarantine", help="list or export rows rejected by ingestion")
    q.add_argument("--run", type=int, help="run number (default: the latest run)")
    q.add_argument("--csv", metavar="FILE", help="export the rows to a CSV file instead")
    q.add_argument("--all", action="store_true", help="every run, not only one")
    q.add_argument("--db", help="database path (default: OUTCOMES_DB_PATH)")
    q.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.ingest.quarantine import export_csv
    from pipelines.ingest.report import latest_run, quarantine_rows

    db_path = Path(settings_from(args).db_path)
    if not db_path.exists():
        print(f"error: no database at {db_path}", file=sys.stderr)
        return 2
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        try:
            run_id = None if args.all else (args.run or latest_run(con))
        except duckdb.CatalogException:
            print(f"error: {db_path} has no ingest runs", file=sys.stderr)
            return 2
        which = "every run" if run_id is None else f"run {run_id}"
        known = con.execute("select count(*) from ingest.runs where run_id = ?", [run_id])
        if run_id is not None and not known.fetchone()[0]:
            print(f"error: {db_path} has no run {run_id}", file=sys.stderr)
            return 2
        if args.csv:
            n = export_csv(con, Path(args.csv), run_id)
            print(f"wrote {n:,} rejected rows of {which} to {args.csv}")
            return 0
        rows = quarantine_rows(con, run_id)
    finally:
        con.close()
    if rows.empty:
        print(f"no rows were rejected in {which}")
        return 0
    print(f"{len(rows):,} row{'' if len(rows) == 1 else 's'} rejected in {which}:")
    for r in rows.head(SHOWN).itertuples(index=False):
        where = f"{r.file_name}, line {r.line}" + (
            f", column {r.column_name}" if r.column_name else ""
        )
        value = f" (value: {r.value!r})" if isinstance(r.value, str) and r.value else ""
        print(f"  {where}: {r.reason}{value}")
        print(f"      {r.raw_line}")
    if len(rows) > SHOWN:
        print(f"  … and {len(rows) - SHOWN:,} more: export them all with --csv FILE")
    return 0
