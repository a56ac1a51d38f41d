"""Ingest: one contract file through `pipelines.ingest.ingest` (every row check, quarantine
bookkeeping, audit), and the same file through DuckDB's bare `read_csv` into a table, the
practical upper bound for loading it.

The ingest is stopped when it reports "rebuilding marts": rebuilding the models is the build
benchmark's business, and a single file's models would be meaningless. So the time and the peak
memory here are the load of that file alone.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

TYPES = {"text": "VARCHAR", "date": "DATE", "integer": "INTEGER", "boolean": "BOOLEAN"}
REBUILD = "rebuilding marts"


class _Loaded(Exception):
    """Raised from the progress callback once the file is in: stop before the rebuild."""


def ingest_file(args: dict) -> dict:
    from pipelines.ingest import ingest
    from pipelines.settings import Settings

    # Not "ingest.duckdb": a catalog named like the ingest schema makes its names ambiguous.
    db = Path(args["db_dir"]) / "outcomes.duckdb"
    settings = Settings(db_path=db, as_of=date.fromisoformat(args["as_of"]))
    mark: dict[str, float] = {}

    def progress(what: str, fraction: float) -> None:
        if what == REBUILD:
            mark["seconds"] = time.perf_counter() - started
            mark["peak_rss_mb"] = _peak_mb()
            raise _Loaded

    started = time.perf_counter()
    try:
        result = ingest(
            [Path(args["path"])], settings=settings, user="benchmark", progress=progress
        )
    except _Loaded:
        return {"rows": int(args["rows"]), "stopped_before_rebuild": True, **mark}
    # The runner no longer reports the rebuild under that name: fall back to its own timing.
    if result.refused or not result.files:
        return {"error": f"ingest {result.outcome}: {result.message}"}
    f = result.files[0]
    return {
        "rows": f.n_read,
        "seconds": f.seconds,
        "peak_rss_mb": _peak_mb(),
        "stopped_before_rebuild": False,
        "n_quarantined": f.n_quarantined,
    }


def bare_read_csv(args: dict) -> dict:
    import duckdb

    from pipelines.contract import TABLES

    table = TABLES[args["table"]]
    columns = "{" + ", ".join(f"'{c.name}': '{TYPES[c.type]}'" for c in table.columns) + "}"
    con = duckdb.connect(str(Path(args["db_dir"]) / "bare.duckdb"))
    con.execute("set enable_progress_bar = false")
    started = time.perf_counter()
    con.execute(
        f"create table t as select * from read_csv($path, header = true, auto_detect = false, "
        f"columns = {columns})",
        {"path": args["path"]},
    )
    con.execute("checkpoint")
    seconds = time.perf_counter() - started
    rows = con.execute("select count(*) from t").fetchone()[0]
    con.close()
    return {"rows": rows, "seconds": seconds, "peak_rss_mb": _peak_mb()}


def _peak_mb() -> float | None:
    from benchmarks.child import peak_rss_mb

    return peak_rss_mb()
