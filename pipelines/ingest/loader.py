"""One file into `raw`: read and check, classify every row, write, and prove the counts balance.

Rows read = rows loaded (inserted + updated) + rows skipped (exact duplicates + unchanged)
+ rows quarantined. The balance is asserted for every file: a row cannot vanish unexplained.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import duckdb

from pipelines.checks import checks_for
from pipelines.contract import TABLES
from pipelines.ingest import lines, quarantine, reader, rows
from pipelines.ingest.sources import Source
from pipelines.load import ContractError

TEMP_TABLES = (
    "_rej",
    "_bad",
    "_badchk",
    "_groups",
    "_cand",
    "_skip",
    "_match",
    "_q",
    "_qtext",
    "_checks",
    "_linemap",
    "_xlsx",
    "_rejects",
    "_reject_scans",
)


@dataclass
class FileResult:
    file_name: str
    path: str
    table_name: str
    format: str
    sha256: str = ""
    size_bytes: int = 0
    encoding: str = ""
    delimiter: str = ""
    outcome: str = "loaded"  # loaded | already loaded | refused | not loaded
    message: str = ""
    n_read: int = 0
    n_inserted: int = 0
    n_updated: int = 0
    n_duplicate: int = 0
    n_unchanged: int = 0
    n_quarantined: int = 0
    n_warned: int = 0
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)  # "column: reason" -> rows
    exact_lines: bool = True

    @property
    def n_loaded(self) -> int:
        return self.n_inserted + self.n_updated

    @property
    def n_skipped(self) -> int:
        return self.n_duplicate + self.n_unchanged

    @classmethod
    def of(cls, source: Source, **values: object) -> FileResult:
        return cls(
            source.name,
            str(source.path),
            source.table,
            source.format,
            source.sha256,
            source.size,
            source.encoding if source.format == "csv" else "",
            source.delimiter if source.format == "csv" else "",
            **values,
        )


def load_file(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    run_id: int,
    cutoff: date,
    strict: bool = False,
    progress: Callable[[float], None] = lambda f: None,
) -> FileResult:
    """Load one scanned source into `raw`, quarantining what breaks the contract."""
    started = time.perf_counter()
    table = TABLES[source.table]
    rules = replace(source.profile.rules, cutoff=cutoff)
    checks = checks_for(table, rules)
    b = rows.Batch(table, source.name, run_id)
    con.execute(f"alter table {b.raw} add column if not exists _problem integer")
    n_accepted, n_rejected = reader.read(con, source, rules, checks, progress, run_id)
    lm = lines.plan(con, source, n_accepted, n_rejected, b.raw, b.where)
    rows.classify_keys(con, b)
    quarantine.assemble(con, source, b, rules, checks)
    if strict and (bad := quarantine.first(con)) is not None:
        line, column, value, reason = bad
        shown = f" (value: {value!r})" if value not in (None, "") else ""
        raise ContractError(source.path, line, column, reason + shown)
    rows.match_loaded(con, b)
    quarantine.write(con, source, run_id)
    quarantine.write_duplicates(con, b)
    n_duplicate, n_conflict = con.execute(
        "select count(*) filter (kind = 'duplicate'), count(*) filter (kind = 'conflict') "
        "from _skip"
    ).fetchone()
    n_unchanged, n_changed = con.execute(
        "select count(*) filter (same), count(*) filter (not same) from _match"
    ).fetchone()
    reasons = con.execute(
        "select coalesce(column_name || ': ', '') || reason, count(*) from _q group by 1 "
        "order by 2 desc, 1"
    ).fetchall()
    replaced = rows.settle(con, b)
    n_kept = con.execute(f"select count(*) from {b.raw} where {b.where}").fetchone()[0]
    result = FileResult.of(
        source,
        n_read=n_accepted + n_rejected,
        n_inserted=n_kept - n_changed,
        n_updated=n_changed,
        n_duplicate=n_duplicate,
        n_unchanged=n_unchanged,
        n_quarantined=sum(n for _, n in reasons),
        reasons=dict(reasons),
        exact_lines=lm.exact,
    )
    if n_duplicate:
        result.reasons["exact duplicate row, skipped"] = n_duplicate
    accounted = result.n_loaded + result.n_skipped + result.n_quarantined
    if accounted != result.n_read or replaced != n_changed:
        raise RuntimeError(
            f"{source.name}: {result.n_read} rows read but {accounted} accounted for"
        )
    drop_temp_tables(con)
    result.seconds = time.perf_counter() - started
    return result


def finish(con: duckdb.DuckDBPyConnection) -> None:
    """After the last file of a run: `raw` keeps no trace of the loader's bookkeeping."""
    for name in TABLES:
        con.execute(f"alter table raw.{name} drop column if exists _problem")


def drop_temp_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name in TEMP_TABLES:
        con.execute(f"drop table if exists temp.{name}")
