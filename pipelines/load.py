"""Strict loader: the five contract files of a folder into `raw` tables, or a clear stop.

A file that breaks the contract stops the whole load with a message naming the file, the line
and the column. Rows are stored as text, exactly as read, with their file and line, so that every
later number can be traced to an input line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.checks import violations_sql
from pipelines.contract import TABLES, Table

SUFFIXES = (".csv", ".parquet")
REQUIRED_TABLES = ("admissions",)


class ContractError(Exception):
    """An input file breaks the data contract; the message names file, line and column."""

    def __init__(self, file: Path | str, line: int | None, column: str | None, message: str):
        self.file, self.line, self.column = str(file), line, column
        where = f"{self.file}"
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class LoadedFile:
    table: str
    path: Path
    rows: int


def raw_table_ddl(table: Table) -> str:
    columns = ", ".join(f'"{c}" varchar' for c in table.column_names)
    return f"create table if not exists raw.{table.name} ({columns}, _file varchar, _line bigint)"


def find_file(folder: Path, table: str) -> Path | None:
    found = [folder / (table + s) for s in SUFFIXES if (folder / (table + s)).exists()]
    if len(found) > 1:
        raise ContractError(found[1], None, None, f"two files for table {table}: keep one")
    return found[0] if found else None


def load_folder(con: duckdb.DuckDBPyConnection, folder: Path) -> list[LoadedFile]:
    """Load every contract file of `folder` into `raw`; stop at the first contract violation."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ContractError(folder, None, None, "input folder not found")
    con.execute("create schema if not exists raw")
    loaded = []
    for name, table in TABLES.items():
        con.execute(raw_table_ddl(table))
        path = find_file(folder, name)
        if path is None:
            if name in REQUIRED_TABLES:
                raise ContractError(folder / f"{name}.csv", None, None, "required file is missing")
            continue
        loaded.append(load_file(con, table, path))
    return loaded


def load_file(con: duckdb.DuckDBPyConnection, table: Table, path: Path) -> LoadedFile:
    staged = f"_load_{table.name}"
    header = _read_text(con, path, staged)
    missing = [c for c in table.required_columns if c not in header]
    if missing:
        raise ContractError(path, 1, missing[0], "required column is missing from the header")
    present = [c for c in table.column_names if c in header]
    absent = [c for c in table.column_names if c not in header]
    select = ", ".join([f'"{c}"' for c in present] + [f'null::varchar as "{c}"' for c in absent])
    con.execute(
        f"create or replace temp table {staged}_all as select {select}, _line from {staged}"
    )
    bad = con.execute(
        f"select * from ({violations_sql(table, staged + '_all')}) order by line limit 1"
    ).fetchall()
    if bad:
        line, column, value, reason = bad[0]
        raise ContractError(path, line, column, f"{reason} (value: {value!r})")
    duplicate = con.execute(
        f"select list_sort(list(_line))[2] from {staged}_all group by {', '.join(table.key)} "
        f"having count(*) > 1 order by 1 limit 1"
    ).fetchall()
    if duplicate:
        raise ContractError(
            path, duplicate[0][0], ", ".join(table.key), "a second row with the same key"
        )
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    con.execute(
        f"insert into raw.{table.name} select {columns}, ? as _file, _line from {staged}_all",
        [path.name],
    )
    rows = con.execute(f"select count(*) from {staged}_all").fetchone()[0]
    con.execute(f"drop table {staged}; drop table {staged}_all")
    return LoadedFile(table.name, path, rows)


def _read_text(con: duckdb.DuckDBPyConnection, path: Path, staged: str) -> list[str]:
    """Read a file as text columns plus `_line` (header = line 1) into a temp table."""
    try:
        if path.suffix == ".parquet":
            source = "read_parquet($path)"
            con.execute(
                f"create or replace temp table {staged}_src as select * from {source}",
                {"path": str(path)},
            )
            cols = [r[0] for r in con.execute(f"describe {staged}_src").fetchall()]
            casts = ", ".join(f'"{c}"::varchar as "{c}"' for c in cols)
            con.execute(
                f"create or replace temp table {staged} as select {casts}, "
                f"row_number() over () + 1 as _line from {staged}_src"
            )
            con.execute(f"drop table {staged}_src")
        else:
            # Every column as text so a bad value becomes a named violation, not a read error.
            con.execute(
                f"create or replace temp table {staged} as select *, row_number() over () + 1 "
                "as _line from read_csv($path, header = true, all_varchar = true, "
                "delim = ',', quote = '\"', escape = '\"', strict_mode = true)",
                {"path": str(path)},
            )
    except duckdb.Error as exc:
        raise ContractError(path, None, None, f"cannot be read as a table: {exc}") from exc
    return [r[0] for r in con.execute(f"describe {staged}").fetchall() if r[0] != "_line"]
