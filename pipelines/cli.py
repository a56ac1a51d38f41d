"""The `outcomes` command: generate sample data, build the database, serve the dashboard."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from pipelines.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "sample_data" / "sample"
APP = REPO / "dashboard" / "streamlit_app.py"


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    overrides = {}
    if getattr(args, "db", None):
        overrides["db_path"] = Path(args.db)
    if getattr(args, "as_of", None):
        overrides["as_of"] = date.fromisoformat(args.as_of)
    return Settings(**{**settings.__dict__, **overrides})


def cmd_build(args: argparse.Namespace) -> int:
    from pipelines.build import build
    from pipelines.load import ContractError

    settings = _settings(args)
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


def cmd_generate(args: argparse.Namespace) -> int:
    from sample_data.generator import generate

    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    kwargs = {"as_of": as_of} if as_of else {}
    truth = generate(
        Path(args.out),
        episodes=args.episodes,
        seed=args.seed,
        fmt=args.format,
        messy=args.messy,
        progress=not args.quiet,
        **kwargs,
    )
    print(f"wrote {args.episodes:,} episodes to {args.out} (truth.json: {len(truth)} entries)")
    return 0


def ensure_sample(source: Path) -> None:
    """Create the bundled sample when it is absent (a fresh clone without it, or deleted)."""
    if (source / "admissions.csv").exists() or (source / "admissions.parquet").exists():
        return
    if source.resolve() != SAMPLE_DIR.resolve():
        raise SystemExit(f"error: no input files in {source}")
    from sample_data.generator import generate

    print(f"creating the bundled sample in {source} …")
    generate(source)


def cmd_demo(args: argparse.Namespace) -> int:
    settings = _settings(args)
    ensure_sample(Path(settings.source_dir))
    args.source = None
    status = cmd_build(args)
    if status or args.no_serve:
        return status
    env = {**os.environ, "OUTCOMES_DB_PATH": str(Path(settings.db_path).resolve())}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(args.port),
    ]
    print(f"serving the dashboard on http://127.0.0.1:{args.port} (Ctrl+C to stop)")
    return subprocess.call(command, env=env, cwd=REPO)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="outcomes", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="load a folder of contract files and publish the database")
    b.add_argument("source", nargs="?", help="folder of input files (default: OUTCOMES_SOURCE_DIR)")
    b.add_argument("--db", help="database path (default: OUTCOMES_DB_PATH)")
    b.add_argument("--as-of", help="data cut-off date YYYY-MM-DD (default: latest date in data)")
    b.set_defaults(func=cmd_build)

    g = sub.add_parser("generate", help="write synthetic program exports with known truth")
    g.add_argument("--episodes", type=int, default=2000, help="number of episodes (admissions)")
    g.add_argument("--seed", type=int, default=20261122, help="random seed")
    g.add_argument("--out", required=True, help="output folder")
    g.add_argument("--as-of", help="data cut-off date YYYY-MM-DD")
    g.add_argument("--format", choices=("csv", "parquet"), default="csv")
    g.add_argument("--messy", action="store_true", help="write the data as messy real exports")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=cmd_generate)

    d = sub.add_parser("demo", help="create the sample if absent, build, and serve the dashboard")
    d.add_argument("--db", help="database path (default: OUTCOMES_DB_PATH)")
    d.add_argument("--as-of", help="data cut-off date YYYY-MM-DD")
    d.add_argument("--port", type=int, default=8501)
    d.add_argument("--no-serve", action="store_true", help="build only")
    d.set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
