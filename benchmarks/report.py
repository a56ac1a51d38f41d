"""Report: the funder quarterly PDF (`pipelines.report.build_report`) for the quarter holding the
data cut-off. The first report in a new process is timed apart (imports, the chart renderer's
browser start); the rest are the warm ones."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.proc import summarize


def measure(args: dict) -> dict:
    import duckdb

    from pipelines.report import build_report
    from pipelines.settings import Settings

    con = duckdb.connect(str(args["db_path"]), read_only=True)
    con.execute("set enable_progress_bar = false")
    as_of = con.execute("select as_of from meta.parameters").fetchone()[0]
    quarter = f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"
    settings = Settings(db_path=Path(args["db_path"]))
    times, size = [], 0
    for _ in range(1 + int(args["repeat"])):
        started = time.perf_counter()
        size = len(build_report(con, quarter=quarter, fmt="pdf", settings=settings))
        times.append(time.perf_counter() - started)
    con.close()
    return {
        "quarter": quarter,
        "first_seconds": round(times[0], 3),
        "warm": summarize(times[1:]),
        "pdf_bytes": size,
    }
