"""Rejected rows: assembled in SQL (`_q`), given their raw text, written to `ingest.quarantine`.

Three kinds of row are rejected: a line that cannot be split into the header's values (`_rej`),
a row that breaks a contract check (`_problem` set; its columns still hold the text as written),
and a later row repeating a key with different values (`_skip` kind `conflict`). Exact
duplicates are skipped, not rejected: they become warnings with action `skipped`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.checks import Check, ValueRules, checked_sql, literal, quote
from pipelines.ingest import lines
from pipelines.ingest.rows import Batch
from pipelines.ingest.sources import Source

BATCH = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def assemble(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    b: Batch,
    rules: ValueRules,
    checks: list[Check],
) -> None:
    """Create `_q`: one row per rejected record, in line order (raw_line filled later)."""
    table = b.table
    con.execute(
        "create or replace temp table _checks "
        "(i integer, col varchar, name varchar, reason varchar)"
    )
    con.executemany(
        "insert into _checks values (?, ?, ?, ?)",
        [(i, c.column, c.name, c.reason) for i, c in enumerate(checks)],
    )
    cols = ", ".join(quote(c) for c in table.column_names)
    con.execute(
        f"create or replace temp table _bad as select _line, _problem, {cols} from {b.raw} "
        f"where {b.where} and _problem is not null"
    )
    # Every problem of a rejected row, not only the first: checked again from its text.
    con.execute(
        "create or replace temp table _badchk as "
        + checked_sql(table, rules, "(select * exclude (_problem) from _bad)", checks)
    )
    violations = "\nunion all\n".join(
        f"select _line, {i} as i from _badchk where {c.condition}" for i, c in enumerate(checks)
    )

    def pick(alias: str) -> str:
        return " ".join(f"when {literal(c)} then {alias}.{quote(c)}" for c in table.column_names)

    key = ", ".join(table.key)
    parts = [
        f"""
        select b._line as line, coalesce(lm._end_line, b._line) as end_line,
            c.col as column_name, case c.col {pick("b")} end as value, c.name as check_name,
            c.reason, o.other
        from _bad as b
        join _checks as c on c.i = b._problem
        left join _linemap as lm on lm._line = b._line
        left join (
            select v._line, string_agg(c.col || ': ' || c.reason, '; ' order by v.i) as other
            from ({violations}) as v join _checks as c using (i)
            join _bad as b using (_line) where v.i <> b._problem group by v._line
        ) as o on o._line = b._line
        """
    ]
    if con.execute("select exists (from _skip where kind = 'conflict')").fetchone()[0]:
        parts.append(
            f"""
            select s._line, coalesce(lm._end_line, s._line), s.differs,
                case s.differs {pick("r")} end, 'key_conflict',
                'same key ({key}) as line ' || s.first_line || ' but different values', null
            from _skip as s
            join (select * from {b.raw} where {b.where}) as r on r._line = s._line
            left join _linemap as lm on lm._line = s._line
            where s.kind = 'conflict'
            """
        )
    if source.format == "csv":
        parts.append(
            "select line, line, column_name, null, 'unreadable_line', reason, null from _rej"
        )
    con.execute(
        "create or replace temp table _q as select *, null::varchar as raw_line from ("
        + "\nunion all\n".join(parts)
        + ") order by line"
    )
    if source.format == "csv":
        con.execute(
            "update _q set raw_line = r.raw_line from _rej as r "
            "where _q.check_name = 'unreadable_line' and _q.line = r.line"
        )
    else:
        shown = " || ',' || ".join(f"coalesce({quote(c)}, '')" for c in table.column_names)
        con.execute(
            f"update _q set raw_line = r.text from (select _line, {shown} as text "
            f"from {b.raw} where {b.where}) as r where _q.line = r._line"
        )


def first(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first rejected record: (line, column, value, reason)."""
    return con.execute(
        "select line, column_name, value, reason from _q order by line limit 1"
    ).fetchone()


def write(con: duckdb.DuckDBPyConnection, source: Source, run_id: int) -> None:
    """Fill raw text from the file (CSV) and append `_q` to `ingest.quarantine`."""
    if source.format == "csv":
        spans = con.execute(
            "select line, end_line from _q where raw_line is null order by line"
        ).fetchnumpy()
        texts = lines.fetch_text(source, spans["line"], spans["end_line"])
        con.execute("create or replace temp table _qtext (line bigint, raw_line varchar)")
        while batch := [t for _, t in zip(range(BATCH), texts, strict=False)]:
            con.register(
                "_qtext_arrow",
                pa.table({"line": [b[0] for b in batch], "raw_line": [b[1] for b in batch]}),
            )
            con.execute("insert into _qtext select * from _qtext_arrow")
            con.unregister("_qtext_arrow")
        con.execute(
            "update _q set raw_line = t.raw_line from _qtext as t "
            "where _q.raw_line is null and _q.line = t.line"
        )
    con.execute(
        "insert into ingest.quarantine select $run, $file, $table, line, column_name, value, "
        "check_name, reason, other, raw_line from _q order by line",
        {"run": run_id, "file": source.name, "table": source.table},
    )


def write_duplicates(con: duckdb.DuckDBPyConnection, b: Batch) -> None:
    if not con.execute("select exists (from _skip where kind = 'duplicate')").fetchone()[0]:
        return
    con.execute(
        f"""
        insert into ingest.warnings
        select $run, $file, $table, s._line, null, r.client_id, 'duplicate_row',
            'an exact copy of line ' || s.first_line || ': skipped', 'skipped'
        from _skip as s join (select * from {b.raw} where {b.where}) as r on r._line = s._line
        where s.kind = 'duplicate' order by s._line
        """,
        {"run": b.run_id, "file": b.file, "table": b.table.name},
    )


def neutralize(value: object) -> object:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_csv(con: duckdb.DuckDBPyConnection, path: Path, run_id: int | None = None) -> int:
    """Write quarantined rows (of one run, or all) to a CSV safe to open in a spreadsheet."""
    where, params = ("where run_id = ?", [run_id]) if run_id is not None else ("", [])
    cur = con.cursor()
    try:
        result = cur.execute(
            f"select * from ingest.quarantine {where} order by run_id, file_name, line", params
        )
        names = [d[0] for d in result.description]
        n = 0
        with Path(path).open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(names)
            while rows := result.fetchmany(10_000):
                writer.writerows([neutralize(v) for v in row] for row in rows)
                n += len(rows)
    finally:
        cur.close()
    return n
