"""What happens to each good row a file put into `raw`: kept, skipped as a duplicate,
quarantined as a key conflict, or matched against a row already loaded (unchanged: skipped;
changed: it replaces the old row).

Rows are named by (_run_id, _file, _line), which is unique: each came from one line of one file
in one run. Keys and contents compare as the normalized text `raw` stores, so "2026-01-05" and
"01/05/2026" under a profile are the same date. All of it is set-based SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipelines.checks import key_expression, literal, quote
from pipelines.contract import Table


@dataclass(frozen=True)
class Batch:
    """The rows one file put into its raw table during one run."""

    table: Table
    file: str
    run_id: int

    @property
    def raw(self) -> str:
        return f"raw.{self.table.name}"

    @property
    def where(self) -> str:
        return f"_run_id = {int(self.run_id)} and _file = {literal(self.file)}"

    @property
    def keys(self) -> tuple[str, ...]:
        """Key expressions with contract defaults filled in (NULL session_type is 'group')."""
        return tuple(key_expression(self.table.column(k), quote(k)) for k in self.table.key)

    @property
    def key_hash(self) -> str:
        return f"hash({', '.join(self.keys)})"

    @property
    def row_hash(self) -> str:
        values = [key_expression(c, quote(c.name)) for c in self.table.columns]
        return f"hash({', '.join(values)})"

    def keyed(self) -> str:
        return ", ".join(f"{e} as k{i}" for i, e in enumerate(self.keys))

    def same_key(self, left: str, right: str) -> str:
        return " and ".join(f"{left}.k{i} = {right}.k{i}" for i in range(len(self.keys)))


def classify_keys(con: duckdb.DuckDBPyConnection, b: Batch) -> None:
    """`_skip`: later rows of a repeated key, as `duplicate` (same values) or `conflict`.

    The first row of a key (in file order) is the one kept; `differs` names the first column
    whose value differs from it. Repeats are found on a 64-bit hash of the key (much faster than
    three texts); candidates are then compared on the key itself.
    """
    con.execute(
        "create or replace temp table _skip "
        "(_line bigint, first_line bigint, kind varchar, differs varchar)"
    )
    # Sorting the hashes and comparing neighbours was twice as fast as grouping ten million
    # distinct keys, and needs less memory.
    con.execute(
        f"""
        create or replace temp table _groups as
        select distinct h from (
            select h, lag(h) over (order by h) as before from (
                select {b.key_hash} as h from {b.raw} where {b.where} and _problem is null
            )
        ) where h = before
        """
    )
    if not con.execute("select exists (from _groups)").fetchone()[0]:
        return  # the common case: every key is unique, no second pass over the rows
    cols = ", ".join(quote(c) for c in b.table.column_names)
    partition = ", ".join(f"k{i}" for i in range(len(b.keys)))
    con.execute(
        f"""
        create or replace temp table _cand as
        select *, min(_line) over (partition by {partition}) as first_line from (
            select _line, {cols}, {b.keyed()}, {b.row_hash} as _h from {b.raw}
            where {b.where} and _problem is null and {b.key_hash} in (select h from _groups)
        )
        """
    )
    differs = ", ".join(
        f"case when c.{quote(col)} is distinct from f.{quote(col)} then '{col}' end"
        for col in b.table.column_names
    )
    con.execute(
        f"""
        insert into _skip
        select c._line, c.first_line,
            case when c._h = f._h then 'duplicate' else 'conflict' end, coalesce({differs})
        from _cand as c join _cand as f on f._line = c.first_line
        where c._line <> c.first_line
        """
    )


def match_loaded(con: duckdb.DuckDBPyConnection, b: Batch) -> None:
    """`_match`: kept rows whose key was loaded before (by an earlier run or file)."""
    con.execute(
        "create or replace temp table _match (_line bigint, old_run integer, old_file varchar, "
        "old_line bigint, same boolean)"
    )
    if not con.execute(f"select exists (from {b.raw} where not ({b.where}))").fetchone()[0]:
        return  # a first load: nothing to match
    con.execute(
        f"""
        insert into _match
        select i._line, r._run_id, r._file, r._line, i._h = r._h
        from (
            select _line, {b.keyed()}, {b.row_hash} as _h from {b.raw}
            where {b.where} and _problem is null and _line not in (select _line from _skip)
        ) as i
        join (
            select _run_id, _file, _line, {b.keyed()}, {b.row_hash} as _h from {b.raw}
            where not ({b.where})
        ) as r on {b.same_key("i", "r")}
        """
    )


def settle(con: duckdb.DuckDBPyConnection, b: Batch) -> int:
    """Remove what must not stay: bad rows, skipped rows, unchanged re-loads, and the old
    versions of changed rows. Return the number of old rows replaced."""
    con.execute(
        f"delete from {b.raw} where {b.where} and (_problem is not null "
        "or _line in (select _line from _skip) or _line in (select _line from _match where same))"
    )
    return con.execute(
        f"delete from {b.raw} as r using _match as m where not m.same "
        "and r._run_id is not distinct from m.old_run and r._file = m.old_file "
        "and r._line = m.old_line"
    ).fetchone()[0]
