"""One input file straight into its `raw` table, read and checked in a single statement.

Each record is inserted with `_problem`, the index of the first check it breaks (NULL for a good
row); a good row holds the normalized text `raw` keeps, a bad one the text as written, so the
quarantine can show it. Bad rows are moved out before anything is published (loader.py). One
pass matters: copying ten million rows from a temporary table cost as much as reading them.
CSV lines DuckDB cannot split into the header's fields are kept by `store_rejects` with their
byte offset, so they are quarantined, not lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import duckdb

from pipelines.checks import Check, ValueRules, checked_sql, literal, normalized_expression, quote
from pipelines.contract import TABLES
from pipelines.ingest import lines, order
from pipelines.ingest.file_bytes import settle
from pipelines.ingest.sources import FileRefused, Source, bind_header, read_header

Progress = Callable[[float], None]
MAX_LINE_BYTES = 8 << 20
MIN_ROWS_FOR_SHARE = 100
_REJECT_WORDS = {
    "MISSING COLUMNS": "has fewer values than the header ({found}): a value may be missing or "
    "the line cut short",
    "TOO MANY COLUMNS": "has more values than the header ({found}): a value may contain the "
    "delimiter without quotes",
    "UNQUOTED VALUE": "has a quote character in the wrong place",
    "LINE SIZE OVER MAXIMUM": "is longer than 8 MB",
    "INVALID ENCODING": "holds bytes that are not text in the file's encoding",
    "INVALID STATE": "cannot be split into values",
}


def read(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    rules: ValueRules,
    checks: list[Check],
    progress: Progress,
    run_id: int,
) -> tuple[int, int]:
    """Insert the file's records into `raw`; return the numbers of accepted and rejected ones.

    `_line` is the record number + 1 here; `lines.plan` corrects it where records and lines
    differ. A CSV record is numbered after the insert, from the rowids of its batch (`order.py`
    explains why that is file order), so the read runs on every core.
    """
    table = TABLES[source.table]
    select = ", ".join(
        f"c{source.columns[c]} as {quote(c)}"
        if c in source.columns
        else f"null::varchar as {quote(c)}"
        for c in table.column_names
    )
    stored = ", ".join(
        f"case when _problem is null then {normalized_expression(c, rules)} "
        f"else {quote(c.name)} end"
        for c in table.columns
    )
    columns = ", ".join(quote(c) for c in table.column_names)

    def insert(body: str) -> str:
        checked = checked_sql(table, rules, f"(select {select}, _rec from {body})", checks)
        return (
            f"insert into raw.{table.name} ({columns}, _file, _line, _run_id, _problem) "
            f"select {stored}, {literal(source.name)}, _rec + 1, {int(run_id)}, _problem "
            f"from ({checked})"
        )

    body, params = _source_sql(con, source)
    try:
        if source.format == "csv":
            n, by_rowid = order.insert_in_file_order(
                con, insert, body, params, lambda sql: run_with_progress(con, sql, params, progress)
            )
        else:
            n, by_rowid = run_with_progress(con, insert(body), params, progress)[0][0], False
    except duckdb.Error as exc:
        # The pass over the bytes (a thread) may know better: a refusal, or Latin-1 after all.
        if not settle(source):
            raise FileRefused(source.path, None, None, f"cannot be read as a table: {exc}") from exc
        return _again(con, source, rules, checks, progress, run_id)
    if settle(source):
        return _again(con, source, rules, checks, progress, run_id)
    if by_rowid:
        order.number_batch(con, f"raw.{table.name}", _batch(source, run_id))
    n_rejected = _rejects(con, source) if source.format == "csv" else 0
    refuse_if_mostly_rejected(source, n_rejected, n)
    return n, n_rejected


def _source_sql(con: duckdb.DuckDBPyConnection, source: Source) -> tuple[str, dict]:
    if source.format == "csv":
        con.execute("drop table if exists _rejects; drop table if exists _reject_scans")
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(source.header))) + "}"
        delim = source.delimiter.replace("'", "''")
        return (
            "(select * from read_csv($path, header = true, "
            f"auto_detect = false, columns = {columns}, delim = '{delim}', quote = '\"', "
            "escape = '\"', strict_mode = true, store_rejects = true, rejects_table = '_rejects', "
            f"rejects_scan = '_reject_scans', encoding = '{source.encoding}', "
            f"max_line_size = {MAX_LINE_BYTES}))",
            {"path": str(source.path)},
        )
    if source.format == "xlsx":
        from pipelines.ingest.excel import read_rows

        con.register("_xlsx_arrow", read_rows(source))
        con.execute("create or replace temp table _xlsx as select * from _xlsx_arrow")
        con.unregister("_xlsx_arrow")
        return "_xlsx", {}
    described = con.execute("describe select * from read_parquet($p)", {"p": str(source.path)})
    types = {row[0]: row[1] for row in described.fetchall()}
    fmt = source.profile.rules.date_formats[0].replace("'", "''")
    cols = []
    for i, name in enumerate(source.header):
        kind = str(types.get(name, "")).upper()
        ref = quote(name)
        text = (
            f"strftime({ref}, '{fmt}')"
            if "DATE" in kind or "TIMESTAMP" in kind
            else f"{ref}::varchar"
        )
        cols.append(f"{text} as c{i}")
    return (
        f"(select {', '.join(cols)}, file_row_number + 1 as _rec "
        "from read_parquet($path, file_row_number = true))",
        {"path": str(source.path)},
    )


def _again(con, source: Source, rules, checks, progress, run_id: int) -> tuple[int, int]:
    """Read the file again in the encoding the whole pass settled on (the first chunk of it,
    which the header was read with, looked like UTF-8)."""
    con.execute(f"delete from raw.{source.table} where {_batch(source, run_id)}")
    bind_header(source, read_header(source))
    return read(con, source, rules, checks, progress, run_id)


def _batch(source: Source, run_id: int) -> str:
    return f"_run_id = {int(run_id)} and _file = {literal(source.name)}"


def run_with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict, progress: Progress
) -> list[tuple]:
    """Run one long statement, reporting DuckDB's own progress (0..1) while it runs."""
    done: list = []

    def work() -> None:
        try:
            done.append(con.execute(sql, params).fetchall())
        except BaseException as exc:  # handed to the calling thread
            done.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
            try:
                fraction = con.query_progress()
            except duckdb.Error:
                fraction = -1
            if fraction >= 0:
                progress(min(fraction / 100, 1.0))
    except BaseException:
        con.interrupt()  # Ctrl+C or SIGTERM: stop the statement before the caller cleans up
        worker.join()
        raise
    if isinstance(done[0], BaseException):
        raise done[0]
    return done[0]


def _rejects(con: duckdb.DuckDBPyConnection, source: Source) -> int:
    """Collect rejected records into `_rej` (one row each, in file order); refuse broken files."""
    names = " ".join(
        f"when 'c{i}' then {literal(_contract_name(source, i))}" for i in range(len(source.header))
    )
    words = " ".join(f"when {literal(k)} then {literal(v)}" for k, v in _REJECT_WORDS.items())
    con.execute(
        f"""
        create or replace temp table _rej as
        select line as duck_line, line_byte_position as byte_offset,
            case arg_min(column_name, column_idx) {names} end as column_name,
            arg_min(error_type::varchar, column_idx) as kind,
            replace(coalesce(case arg_min(error_type::varchar, column_idx) {words} end,
                'cannot be split into values'), '{{found}}',
                coalesce(trim(split_part(arg_min(error_message, column_idx), 'Found:', 2)), '?')
                || ' of {len(source.header)}') as reason,
            trim(any_value(csv_line), chr(13) || chr(10)) as raw_line,
            bool_or(error_message like '%unterminated quote%') as is_unterminated
        from _rejects group by line, line_byte_position
        """
    )
    n, unterminated, first_offset = con.execute(
        "select count(*), min(byte_offset) filter (is_unterminated), min(byte_offset) from _rej"
    ).fetchone()
    if unterminated is not None:
        raise FileRefused(
            source.path,
            lines.reject_lines(source, [unterminated])[0],
            None,
            "a quote is opened and never closed, so the rest of the file cannot be split into "
            "rows (a truncated file or a stray quote character)",
        )
    if n and not source.ends_with_newline:
        last = con.execute("select max(byte_offset) from _rej").fetchone()[0]
        line = lines.reject_lines(source, [last])[0]
        if line == source.content_lines:
            raise FileRefused(
                source.path,
                line,
                None,
                "the last line is cut short: the file "
                "looks truncated (an interrupted download or copy?)",
            )
    return n


def refuse_if_mostly_rejected(source: Source, n_rejected: int, n_accepted: int) -> None:
    """A file whose lines mostly do not fit its header is misread, not a file with bad rows."""
    total = n_rejected + n_accepted
    if total >= MIN_ROWS_FOR_SHARE and n_rejected * 2 > total:
        raise FileRefused(
            source.path,
            None,
            None,
            f"{n_rejected:,} of {total:,} lines do not have the header's "
            f"{len(source.header)} values: check the delimiter and the header row",
        )


def _contract_name(source: Source, position: int) -> str:
    for contract, i in source.columns.items():
        if i == position:
            return contract
    return source.header[position] if position < len(source.header) else f"column {position + 1}"
