"""`outcomes patterns`: each episode's weekly use-pattern word and outcome definitions, as CSV."""

from __future__ import annotations

import argparse
import os
import sys


def register(sub: argparse._SubParsersAction) -> None:
    from pipelines.patterns import DEFINITIONS, MISSING_RULES, SUBSTANCE_CLASSES

    p = sub.add_parser(
        "patterns",
        help="export each episode's weekly use-pattern word and outcome definitions as CSV",
        description="One row per episode: client_id, admission_date, word, then per definition "
        "one column <id> or two, <id>_time (weeks) and <id>_event. Definitions: "
        + ", ".join(DEFINITIONS),
    )
    p.add_argument(
        "--definitions",
        default="all",
        help="'all' or a comma-separated list of definition ids (default: all)",
    )
    p.add_argument("--substance", choices=SUBSTANCE_CLASSES, default="opioids")
    p.add_argument(
        "--missing",
        choices=MISSING_RULES,
        default="positive",
        help="missing-data rule: the published rule (positive), missing weeks ignored, or "
        "completers only (default: positive)",
    )
    p.add_argument("--db", help="database path (default: OUTCOMES_DB_PATH)")
    p.add_argument("--csv", help="write to this file (default: standard output)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.commands.common import settings_from
    from pipelines.patterns import choose, episode_outcomes, write_outcomes_csv

    ids = "all" if args.definitions == "all" else [i.strip() for i in args.definitions.split(",")]
    try:
        definitions = [d.id for d in choose(ids)]
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    db = settings_from(args).db_path
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        print(f"error: cannot open {db}: {exc}", file=sys.stderr)
        return 2
    try:
        outcomes = episode_outcomes(
            con, definitions=definitions, substance=args.substance, missing=args.missing
        )
    except duckdb.CatalogException as exc:
        print(f"error: {db} has no use-pattern words; rebuild it ({exc})", file=sys.stderr)
        return 2
    finally:
        con.close()
    try:
        n = write_outcomes_csv(outcomes, args.csv or sys.stdout)
    except BrokenPipeError:  # the reader stopped early (`| head`): not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python's documented idiom
        return 0
    if args.csv:
        print(f"wrote {n:,} episodes ({args.substance}, missing {args.missing}) to {args.csv}")
    return 0
