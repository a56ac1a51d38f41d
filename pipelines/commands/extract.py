"""`outcomes extract`: the SAMHSA-style client-level extract (one row per client per interview
point) for the program's own SPARS / SUPRT upload. It identifies clients, so it is for the
treating program only (42 CFR Part 2), never for funders, and asks for --client-level."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.commands.report import add_scope, open_database

REFUSAL = (
    "error: the extract has one row per client per interview, with client ids and dates: it is "
    "for the treating program itself (42 CFR Part 2), not for funders, who get `outcomes "
    "report`. Add --client-level to confirm."
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="write the client-level SAMHSA-style interview extract (program use only)",
        description="One row per client per interview point (intake, discharge, follow-up) in "
        "the quarter, with abstinence, employment or school, housing and arrest items and the "
        "interview dates, as CSV to map onto a SPARS / SUPRT upload (columns: docs/report.md). "
        "Client-level: for the program itself, never for funders.",
    )
    add_scope(p)
    p.add_argument("--out", required=True, help="CSV file to write")
    p.add_argument(
        "--client-level",
        action="store_true",
        help="confirm that you want client-level rows (required)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.client_level:
        print(REFUSAL, file=sys.stderr)
        return 2
    from pipelines.metrics.filters import Filters
    from pipelines.report.extract import extract_csv_bytes, samhsa_extract

    con, _ = open_database(args)
    if con is None:
        return 2
    filters = Filters(tracks=tuple(args.track), sites=tuple(args.site))
    try:
        frame = samhsa_extract(con, quarter=args.quarter, filters=filters)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        con.close()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(extract_csv_bytes(frame))
    clients = frame["client_id"].nunique()
    print(f"wrote {len(frame):,} interview points of {clients:,} clients to {out} "
          "(client-level: keep it inside the program)")  # fmt: skip
    return 0
