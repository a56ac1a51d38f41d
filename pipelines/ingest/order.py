"""Record numbers of a CSV read, without numbering the read on one thread.

`row_number() over ()` on the read is exact, but DuckDB streams that window on one thread, so the
whole checked insert ran on one core while the bare read used two. DuckDB
keeps the order of an insert whose plan only scans one source and projects (a "Batch Insert"),
and then the rowids of the rows appended by one statement are consecutive, in file order. So the
insert runs on every core, and the batch is numbered from its rowids afterwards.

Joins do not keep order: DuckDB turns `x in (five or more values)` into a join (the rowids of a
ten-million-row insert then came out in shuffled blocks), so that rewrite is switched off for
the statement. The plan is checked before relying on it; any other operator in it, and the
read falls back to `row_number()`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator

import duckdb

# Operators of an insert that keeps file order: read, project, append in batch order.
ORDERED_OPERATORS = frozenset({"Batch Insert", "Projection", "Read Csv", "Table Scan"})
_OPERATOR = re.compile(r"╭─ ([^─]+?) ─")


def insert_in_file_order(
    con: duckdb.DuckDBPyConnection,
    make_insert: Callable[[str], str],
    read: str,
    params: dict,
    run: Callable[[str], list[tuple]],
) -> tuple[int, bool]:
    """Run the insert built from `read` (a CSV read); return (rows, numbered later from rowids).

    With False, the rows were numbered by `row_number()` on the read and need nothing more.
    """
    parallel = make_insert(f"(select *, null::bigint as _rec from {read})")
    with _no_in_clause_join(con):
        if keeps_order(con, parallel, params):
            return run(parallel)[0][0], True
    return run(make_insert(f"(select *, row_number() over () as _rec from {read})"))[0][0], False


def keeps_order(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> bool:
    """Whether DuckDB plans `sql` as an order-preserving insert from one scan."""
    plan = "\n".join(row[1] for row in con.execute(f"explain {sql}", params).fetchall())
    operators = set(_OPERATOR.findall(plan))
    return "Batch Insert" in operators and operators <= ORDERED_OPERATORS


def number_batch(con: duckdb.DuckDBPyConnection, table: str, where: str) -> None:
    """Set `_line` = record number + 1 for the rows one insert appended (they hold NULL)."""
    first, last, n = con.execute(
        f"select min(rowid), max(rowid), count(*) from {table} where {where}"
    ).fetchone()
    if not n:
        return
    if last - first + 1 != n:
        # Appended rows are consecutive; anything else means the numbering cannot be trusted.
        raise RuntimeError(f"{table}: the rows of one load are not consecutive ({n} rows)")
    # A rowid range, not `where`: DuckDB then visits only the batch's row groups.
    con.execute(
        f"update {table} set _line = rowid - {int(first)} + 2 "
        f"where rowid between {int(first)} and {int(last)}"
    )


@contextlib.contextmanager
def _no_in_clause_join(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    before = con.execute("select current_setting('disabled_optimizers')").fetchone()[0] or ""
    names = [n.strip() for n in before.split(",") if n.strip()]
    if "in_clause" not in names:
        con.execute(f"set disabled_optimizers = '{','.join([*names, 'in_clause'])}'")
    try:
        yield
    finally:
        if before:
            con.execute(f"set disabled_optimizers = '{before}'")
        else:
            con.execute("reset disabled_optimizers")
