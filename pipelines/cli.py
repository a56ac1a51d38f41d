"""The `outcomes` command. Each subcommand lives in `pipelines/commands/<name>.py`, which
defines `register(subparsers)`; listing it in COMMANDS is all it takes to add one."""

from __future__ import annotations

import argparse
import importlib

COMMANDS = (
    "demo",
    "build",
    "generate",
    "ingest",
    "quarantine",
    "patterns",
    "import_data",
    "report",
    "extract",
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="outcomes",
        description="Outcomes analytics for intensive outpatient programs: build, serve, report.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"pipelines.commands.{name}").register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
