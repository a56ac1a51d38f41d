"""`outcomes generate`: synthetic program exports with a truth file of known effects."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("generate", help="write synthetic program exports with known truth")
    g.add_argument(
        "--episodes", type=int, default=5000, help="number of episodes, 500 to 1,000,000"
    )
    g.add_argument("--seed", type=int, default=20261122, help="random seed")
    g.add_argument("--out", required=True, help="output folder")
    g.add_argument("--as-of", help="data cut-off date YYYY-MM-DD")
    g.add_argument("--format", choices=("csv", "parquet"), default="csv")
    g.add_argument("--messy", action="store_true", help="write the data as messy real exports")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sample_data.generator import generate

    kwargs = {"as_of": date.fromisoformat(args.as_of)} if args.as_of else {}
    generate(
        Path(args.out),
        episodes=args.episodes,
        seed=args.seed,
        fmt=args.format,
        messy=args.messy,
        progress=not args.quiet,
        **kwargs,
    )
    print(f"wrote {args.episodes:,} episodes to {args.out} (with truth.json)")
    return 0
