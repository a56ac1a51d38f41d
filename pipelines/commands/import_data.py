"""`outcomes import`: convert a public research data set into the product's contract files."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser("import", help="convert a public data set into contract files")
    sources = imp.add_subparsers(dest="source", required=True, metavar="SOURCE")
    ctn = sources.add_parser(
        "ctn0094",
        help="NIDA CTN-0094 harmonized trials (Parquet tables of public.ctn0094data)",
        description="Write the CTN-0094 trials as the five contract CSV files (docs/ctn0094.md): "
        "one episode per randomized person, admitted the day after randomization so that week 1 "
        "is the published weekly pattern's week 1. Then: outcomes build OUT.",
    )
    ctn.add_argument("--from", dest="source_dir", required=True, help="folder of Parquet tables")
    ctn.add_argument("--out", required=True, help="folder to write the contract CSV files to")
    ctn.add_argument(
        "--anchor",
        default="2020-01-01",
        help="calendar date of study day 0 (the data has study days only; default 2020-01-01)",
    )
    ctn.set_defaults(func=run_ctn0094)


def run_ctn0094(args: argparse.Namespace) -> int:
    from pipelines.adapters.ctn0094 import convert_ctn0094

    source, out = Path(args.source_dir), Path(args.out)
    try:
        counts = convert_ctn0094(source, out, anchor=date.fromisoformat(args.anchor))
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for table, rows in counts.items():
        print(f"  {table:<14} {rows:>10,} rows  {out / (table + '.csv')}")
    print(f"wrote CTN-0094 to {out}; next: outcomes build {out} --as-of 2021-12-31")
    return 0
