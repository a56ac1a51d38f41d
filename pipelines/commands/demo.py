"""`outcomes demo`: create the bundled sample if absent, build it, serve the dashboard."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from pipelines.commands import build
from pipelines.commands.common import REPO, SAMPLE_DIR, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("demo", help="create the sample if absent, build, and serve the dashboard")
    d.add_argument("--db", help="database path (default: OUTCOMES_DB_PATH)")
    d.add_argument("--as-of", help="data cut-off date YYYY-MM-DD")
    d.add_argument("--port", type=int, default=8501)
    d.add_argument("--no-serve", action="store_true", help="build only")
    d.set_defaults(func=run)


def ensure_sample(source: Path) -> None:
    """Create the bundled sample when it is absent (for example after deleting it)."""
    if any((source / f"admissions{s}").exists() for s in (".csv", ".parquet")):
        return
    if source.resolve() != SAMPLE_DIR.resolve():
        raise SystemExit(f"error: no input files in {source}")
    from sample_data.generator import generate

    print(f"creating the bundled sample in {source} …")
    generate(source)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    ensure_sample(Path(settings.source_dir))
    args.source = None
    status = build.run(args)
    if status or args.no_serve:
        return status
    env = {**os.environ, "OUTCOMES_DB_PATH": str(Path(settings.db_path).resolve())}
    # `dashboard.serve` is `streamlit run` on the app with Nagle's algorithm off (its docstring).
    command = [
        sys.executable,
        "-m",
        "dashboard.serve",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(args.port),
    ]
    print(f"serving the dashboard on http://127.0.0.1:{args.port} (Ctrl+C to stop)")
    return subprocess.call(command, env=env, cwd=REPO)
