"""The tables ingestion writes: `raw.*` rows and the `ingest` schema (runs, files, quarantine,
warnings). docs/ingestion.md lists every column; a test keeps that page and this DDL in step."""

from __future__ import annotations

import duckdb

from pipelines.contract import TABLES
from pipelines.load import raw_table_ddl

INGEST_TABLES = {
    "runs": (
        ("run_id", "integer", "Number of the run, counting up from 1."),
        ("kind", "varchar", "`build` (fresh database from a folder) or `ingest`."),
        ("started_at", "timestamp", "When the run started (UTC)."),
        ("finished_at", "timestamp", "When it ended (UTC)."),
        ("seconds", "double", "Duration."),
        ("user_name", "varchar", "Who ran it: the OS user, or the dashboard user passed in."),
        ("profile", "varchar", "Source profile name and file (`contract` = none given)."),
        ("profile_sha256", "varchar", "SHA-256 of the profile file."),
        (
            "outcome",
            "varchar",
            "`published`, `no change` (every file already loaded) or `refused`.",
        ),
        ("message", "varchar", "Why a run was refused; empty otherwise."),
        ("n_files", "bigint", "Files named in the run."),
        ("n_read", "bigint", "Rows read from them."),
        ("n_loaded", "bigint", "Rows inserted or updated."),
        ("n_skipped", "bigint", "Exact duplicates plus rows already loaded unchanged."),
        ("n_quarantined", "bigint", "Rows rejected into `ingest.quarantine`."),
        ("n_warned", "bigint", "Rows loaded with a warning in `ingest.warnings`."),
        ("as_of", "date", "Data cut-off of the published database."),
    ),
    "files": (
        ("run_id", "integer", "The run."),
        ("file_name", "varchar", "File name (what `raw._file` and the quarantine show)."),
        ("path", "varchar", "Path as given."),
        ("table_name", "varchar", "Contract table the file holds."),
        ("format", "varchar", "`csv`, `parquet` or `xlsx`."),
        ("sha256", "varchar", "SHA-256 of the file's bytes."),
        ("size_bytes", "bigint", "File size."),
        ("encoding", "varchar", "Encoding used (`utf-8` or `latin-1`)."),
        ("delimiter", "varchar", "Delimiter used (CSV)."),
        (
            "outcome",
            "varchar",
            "`loaded`, `already loaded`, `refused` or `not loaded` (another "
            "file of the run was refused).",
        ),
        ("message", "varchar", "The refusal, or the note about an earlier identical load."),
        ("n_read", "bigint", "Rows read (records after the header)."),
        ("n_inserted", "bigint", "Rows with a new key."),
        ("n_updated", "bigint", "Rows that replaced a loaded row with the same key."),
        ("n_duplicate", "bigint", "Exact copies of an earlier row of the file, skipped."),
        ("n_unchanged", "bigint", "Rows identical to a row already loaded, skipped."),
        ("n_quarantined", "bigint", "Rows rejected."),
        ("n_warned", "bigint", "Rows loaded with a warning."),
        ("seconds", "double", "Time spent on the file."),
    ),
    "quarantine": (
        ("run_id", "integer", "The run that rejected the row."),
        ("file_name", "varchar", "File the row came from."),
        ("table_name", "varchar", "Contract table."),
        ("line", "bigint", "Line the row starts on (header = line 1; Excel: sheet row)."),
        ("column_name", "varchar", "Column to look at (contract name); empty for a whole line."),
        ("value", "varchar", "The value as written in the file."),
        ("check_name", "varchar", "Short code of the check, for grouping."),
        ("reason", "varchar", "Why the row was rejected, in words."),
        ("other_problems", "varchar", "Further problems of the same row, `column: reason; …`."),
        ("raw_line", "varchar", "The row as written in the file."),
    ),
    "warnings": (
        ("run_id", "integer", "The run that flagged the row."),
        ("file_name", "varchar", "File the row came from."),
        ("table_name", "varchar", "Contract table."),
        ("line", "bigint", "Line of the row."),
        ("column_name", "varchar", "Column to look at."),
        ("client_id", "varchar", "Client of the row."),
        ("check_name", "varchar", "Short code of the warning."),
        ("reason", "varchar", "What is odd about the row, in words."),
        ("action", "varchar", "`loaded` (kept, flagged) or `skipped` (an exact duplicate)."),
    ),
}


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or complete, for a database built by an older version) every table written here."""
    con.execute("create schema if not exists raw; create schema if not exists ingest")
    for table in TABLES.values():
        con.execute(raw_table_ddl(table))
        con.execute(f"alter table raw.{table.name} add column if not exists _run_id integer")
    for name, columns in INGEST_TABLES.items():
        cols = ", ".join(f"{c} {t}" for c, t, _ in columns)
        con.execute(f"create table if not exists ingest.{name} ({cols})")


def next_run_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select coalesce(max(run_id), 0) + 1 from ingest.runs").fetchone()[0]


def insert_row(con: duckdb.DuckDBPyConnection, table: str, values: dict) -> None:
    names = [c for c, _, _ in INGEST_TABLES[table]]
    placeholders = ", ".join(f"${n}" for n in names)
    con.execute(
        f"insert into ingest.{table} ({', '.join(names)}) values ({placeholders})",
        {n: values.get(n) for n in names},
    )


def already_loaded(con: duckdb.DuckDBPyConnection, table: str, sha256: str) -> tuple | None:
    """The earlier run that loaded these exact bytes into this table, if any."""
    return con.execute(
        "select f.run_id, r.started_at, f.file_name from ingest.files f join ingest.runs r "
        "using (run_id) where f.table_name = ? and f.sha256 = ? and f.outcome = 'loaded' "
        "and r.outcome = 'published' order by f.run_id limit 1",
        [table, sha256],
    ).fetchone()


def loaded_size(con: duckdb.DuckDBPyConnection, table: str, size: int) -> bool:
    """Whether an earlier published run loaded a file of exactly this size into this table."""
    return con.execute(
        "select exists (select 1 from ingest.files f join ingest.runs r using (run_id) "
        "where f.table_name = ? and f.size_bytes = ? and f.outcome = 'loaded' "
        "and r.outcome = 'published')",
        [table, size],
    ).fetchone()[0]
