"""`outcomes report`: the funder quarterly report for one quarter as PDF, HTML or Excel.

Aggregates only, every table small-cell suppressed; client-level rows are never in a report (the
program's own SAMHSA-style extract is `outcomes extract`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

FORMATS = ("pdf", "html", "xlsx")


def add_scope(p: argparse.ArgumentParser) -> None:
    """The quarter and the filters a report or an extract is made for."""
    p.add_argument("--quarter", required=True, help="the quarter, e.g. 2026Q3")
    p.add_argument("--track", action="append", default=[], help="only this track (repeatable)")
    p.add_argument("--site", action="append", default=[], help="only this site (repeatable)")
    p.add_argument("--db", help="database path (default: OUTCOMES_DB_PATH)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write the funder quarterly report (PDF, HTML or Excel), small cells suppressed",
        description="The quarterly report for funders: census, discharges and completion, "
        "length of stay, retention, attendance and dose, drug screens, abstinence, follow-up "
        "rates against the 80%% target, outcomes among those reached, retention bias, trends "
        "and definitions. Aggregates only; small cells are blank with the reason.",
    )
    add_scope(p)
    p.add_argument("--format", choices=FORMATS, help="pdf, html or xlsx (default: from --out)")
    p.add_argument("--out", required=True, help="file to write")
    p.set_defaults(func=run)


def open_database(args: argparse.Namespace):
    """A read-only connection to --db (or the published database), or None with a message."""
    import duckdb

    from pipelines.commands.common import settings_from

    settings = settings_from(args)
    try:
        con = duckdb.connect(str(settings.db_path), read_only=True)
    except duckdb.Error as exc:
        print(f"error: cannot open {settings.db_path}: {exc}", file=sys.stderr)
        return None, settings
    con.execute("set enable_progress_bar = false")
    return con, settings


def run(args: argparse.Namespace) -> int:
    from pipelines.metrics.filters import Filters
    from pipelines.report import build_report

    out = Path(args.out)
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        print(f"error: say --format {'|'.join(FORMATS)} (cannot tell from {out.name!r})",
              file=sys.stderr)  # fmt: skip
        return 2
    con, settings = open_database(args)
    if con is None:
        return 2
    filters = Filters(tracks=tuple(args.track), sites=tuple(args.site))
    started = time.perf_counter()
    try:
        data = build_report(con, quarter=args.quarter, filters=filters, fmt=fmt,
                            settings=settings)  # fmt: skip
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    took = time.perf_counter() - started
    print(f"wrote the {args.quarter} report ({fmt}, {len(data):,} bytes) to {out} in {took:.1f} s")
    return 0
