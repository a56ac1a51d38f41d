"""The `raw` layer: input rows as contract text, each with the file and line it came from.

Rows reach `raw` only through ingestion (`pipelines/ingest/`), which checks them against the
contract first. Text is stored normalized (ISO dates, plain integers, true/false, lower-case
codes) after a source profile's translation, so staging reads every source the same way; the
quarantine keeps the line exactly as the file had it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.contract import Table

REQUIRED_TABLES = ("admissions",)


class ContractError(Exception):
    """An input file breaks the data contract; the message names file, line and column."""

    def __init__(self, file: Path | str, line: int | None, column: str | None, message: str):
        self.file, self.line, self.column = str(file), line, column
        self.reason = message
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
    return (
        f"create table if not exists raw.{table.name} "
        f"({columns}, _file varchar, _line bigint, _run_id integer)"
    )
