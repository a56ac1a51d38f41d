"""Report: the funder quarterly PDF (`pipelines.report.build_report`) for the quarter holding the
data cut-off. The first report in a new process is timed apart (lazy imports, the browser's
start); the rest are the warm ones. One more warm report is timed by phase: the tables
(`assemble`, queries and protection), the chart images, and the print."""

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
    phases = _phases(con, quarter, settings)
    con.close()
    return {
        "quarter": quarter,
        "first_seconds": round(times[0], 3),
        "warm": summarize(times[1:]),
        "warm_phases": phases,
        "pdf_bytes": size,
    }


def _phases(con, quarter: str, settings) -> dict:
    """The steps of `build_report(fmt="pdf")` one after the other, warm."""
    from pipelines.report import assemble
    from pipelines.report.browser import print_pdf
    from pipelines.report.render_html import render_html
    from pipelines.report.render_pdf import print_options

    out, started = {}, time.perf_counter()
    report = assemble(con, quarter=quarter, settings=settings)
    out["tables_seconds"], started = _lap(started)
    html = render_html(report, interactive=False)  # draws the charts
    out["charts_and_html_seconds"], started = _lap(started)
    print_pdf(html, print_options(report))
    out["print_seconds"], _ = _lap(started)
    return out


def _lap(started: float) -> tuple[float, float]:
    now = time.perf_counter()
    return round(now - started, 3), now
