"""`outcomes ingest`: load program exports into the published database, quarantining bad rows."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from pipelines.commands.common import settings_from


def register(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser(
        "ingest", help="load export files or folders into the database (bad rows quarantined)"
    )
    i.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of exports")
    i.add_argument("--profile", help="source profile: a TOML file or a shipped profile's name")
    i.add_argument("--db", help="database path (default: OUTCOMES_DB_PATH)")
    i.add_argument("--as-of", help="data cut-off date YYYY-MM-DD (default: latest date in data)")
    i.add_argument("--user", help="who runs the load, for the audit (default: the OS user)")
    i.add_argument("--quiet", action="store_true", help="no progress bar")
    i.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pipelines.ingest import ProfileError, ingest, summary_table

    # A terminated load must still remove its work file: turn SIGTERM into an exception.
    signal.signal(signal.SIGTERM, _terminate)
    settings = settings_from(args)
    bar = _Bar(disabled=args.quiet)
    try:
        result = ingest(
            [Path(p) for p in args.paths],
            settings=settings,
            profile=args.profile,
            user=args.user,
            progress=bar.update,
        )
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    print(summary_table(result))
    return 2 if result.refused else 0


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


class _Bar:
    """One tqdm bar per step (a file, then the marts), drawn on stderr when it is a terminal."""

    def __init__(self, disabled: bool) -> None:
        self.disabled, self.what, self.bar = disabled, None, None

    def update(self, what: str, fraction: float) -> None:
        if self.disabled:
            return
        from tqdm import tqdm

        if what != self.what:
            self.close()
            self.what = what
            self.bar = tqdm(total=100, desc=what, unit="%", file=sys.stderr, disable=None)
        self.bar.update(max(0, round(fraction * 100) - self.bar.n))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar = None
