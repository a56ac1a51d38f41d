"""Queries: every table each page fetches, made again outside Streamlit, cold and warm.

The calls are recorded from the pages themselves (AppTest as a program director, every page),
so the list follows the pages as they change. Cold = the call on a freshly opened read-only
connection (no DuckDB buffers; the operating system's file cache is left as it is). Warm = the
same call again on an open connection, `repeat` times (Streamlit's own cache is not involved:
this is what a page waits for when the cache misses). A page's total is its calls in order.
Before each warm repetition the results kept on the connection (`pipelines.db.kept`, shared by
a page's tables) are dropped, so a repetition is the page on a filter it has not seen: its first
call that needs a kept result pays for it, the later ones reuse it.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.apptest import Call, capture
from benchmarks.proc import summarize


def measure(args: dict) -> dict:
    from pipelines import access
    from pipelines.db import PublishedDatabase, forget_kept

    db_path = Path(args["db_path"])
    repeat, cold_repeat = int(args["repeat"]), int(args.get("cold_repeat", 5))
    pages, broken = capture(db_path, only=args.get("pages"))

    def run(con, call: Call) -> float:
        started = time.perf_counter()
        access.fetch(con, call.viewer, call.name, **call.kwargs)
        return time.perf_counter() - started

    def fresh() -> PublishedDatabase:
        return PublishedDatabase(db_path)

    out_pages = {}
    for page, calls in pages.items():
        if not calls:
            continue
        cold_each = [[] for _ in calls]
        cold_total = []
        for _ in range(cold_repeat):
            for i, call in enumerate(calls):  # each call first on its own new connection
                db = fresh()
                cold_each[i].append(run(db.connection(), call))
                db.close()
            db = fresh()  # the page's calls in order on one new connection
            con = db.connection()
            cold_total.append(sum(run(con, call) for call in calls))
            db.close()
        db = fresh()
        con = db.connection()
        for call in calls:
            run(con, call)  # warm-up
        warm_each = [[] for _ in calls]
        warm_total = []
        for _ in range(repeat):
            forget_kept(con)
            times = [run(con, call) for call in calls]
            for i, t in enumerate(times):
                warm_each[i].append(t)
            warm_total.append(sum(times))
        db.close()
        out_pages[page] = {
            "n_calls": len(calls),
            "cold_total": summarize(cold_total),
            "warm_total": summarize(warm_total),
            "calls": [
                call.describe()
                | {
                    "level": access.SOURCES[call.name].level,
                    "cold": summarize(cold_each[i]),
                    "warm": summarize(warm_each[i]),
                }
                for i, call in enumerate(calls)
            ],
        }
    return {"pages": out_pages, "page_problems": broken, "repeat": repeat}
