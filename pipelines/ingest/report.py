"""What a person reads after a run: the summary table, and the quarantine of a run."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pandas as pd

if TYPE_CHECKING:
    from pipelines.ingest.runner import IngestResult

TOP_REASONS = 3
HEAD = ("file", "table", "status", "read", "loaded", "skipped", "quarantined", "warned")


def summary_table(result: IngestResult) -> str:
    """Per file: rows read, loaded, skipped, quarantined, warned, and the top reasons."""
    rows = [HEAD]
    notes = []
    for f in result.files:
        counted = f.outcome == "loaded"
        rows.append(
            (
                f.file_name,
                f.table_name,
                f.outcome,
                *(
                    f"{n:,}" if counted else ""
                    for n in (f.n_read, f.n_loaded, f.n_skipped, f.n_quarantined, f.n_warned)
                ),
            )
        )
        top = sorted(f.reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS]
        notes += [f"  {f.file_name}: {n:,} × {words}" for words, n in top]
        if f.message and f.outcome != "refused":
            notes.append(f"  {f.file_name}: {f.message}")
        if not f.exact_lines:
            notes.append(
                f"  {f.file_name}: line numbers are approximate (quotes and line breaks "
                "do not pair up)"
            )
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(HEAD))]
    lines = [
        "  ".join(
            str(c).rjust(w) if i >= 3 else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]
    if notes:
        lines += ["", "top reasons:", *notes]
    for path in result.ignored:
        lines.append(f"ignored (not a contract table of the profile): {path}")
    lines += ["", _verdict(result)]
    return "\n".join(lines)


def _verdict(result: IngestResult) -> str:
    run = f"run {result.run_id}" if result.run_id else "run (not recorded: no database yet)"
    if result.outcome == "refused":
        return f"refused ({run}): {result.message}\nthe published database was not changed"
    if result.outcome == "no change":
        return f"no change ({run}): {result.message}"
    return (
        f"published {run} to {result.db_path} (data cut-off {result.as_of}) "
        f"in {result.seconds:.1f} s"
    )


def quarantine_rows(
    con: duckdb.DuckDBPyConnection, run_id: int | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Rejected rows of one run (or of every run), in file and line order."""
    where, params = ("where run_id = ?", [run_id]) if run_id is not None else ("", [])
    cap = f"limit {int(limit)}" if limit is not None else ""
    cur = con.cursor()
    try:
        return cur.execute(
            f"select * from ingest.quarantine {where} order by run_id, file_name, line {cap}",
            params,
        ).df()
    finally:
        cur.close()


def latest_run(con: duckdb.DuckDBPyConnection) -> int | None:
    cur = con.cursor()
    try:
        return cur.execute("select max(run_id) from ingest.runs").fetchone()[0]
    finally:
        cur.close()
