"""Pages: each page of the dashboard run under AppTest as a program director.

Cold = a run with Streamlit's caches cleared (so a new connection and every query); warm = the
same page run again with its caches filled (the script, widgets and charts only). One page is
run first and not timed, so imports are not counted against the first page measured.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.apptest import clear_caches, open_page, pages, problems
from benchmarks.proc import summarize


def measure(args: dict) -> dict:
    db_path = Path(args["db_path"])
    repeat, cold_repeat = int(args["repeat"]), int(args.get("cold_repeat", 3))
    role = args.get("role", "director")
    clear_caches()
    open_page(db_path, "overview", role).run()  # imports, not timed
    out = {}
    for page in pages(args.get("pages")):
        cold, warm, seen = [], [], []
        for _ in range(cold_repeat):
            clear_caches()
            at = open_page(db_path, page, role)
            started = time.perf_counter()
            at.run()
            cold.append(time.perf_counter() - started)
            seen += problems(at)
        for _ in range(repeat):
            started = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - started)
        out[page] = {
            "cold": summarize(cold),
            "warm": summarize(warm),
            "n_charts": len(at.get("plotly_chart")),
            "problems": sorted(set(seen)),
        }
    clear_caches()
    return {"role": role, "pages": out}
