"""Sinks that write Arrow tables chunk by chunk: CSV (header once, unquoted, ISO dates,
true/false, empty = missing) or Parquet (one row group per chunk)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

# A transform sees the chunk and how many data rows were written before it (for line numbers).
Transform = Callable[[pa.Table, int], pa.Table]
BOM = b"\xef\xbb\xbf"


class Sink:
    """Writes one table file. `transform`, `delimiter`, `encoding`, `bom`: the messy export."""

    def __init__(
        self,
        path: Path,
        schema: pa.Schema,
        fmt: str = "csv",
        *,
        transform: Transform | None = None,
        delimiter: str = ",",
        encoding: str = "utf-8",
        bom: bool = False,
    ) -> None:
        self.path, self.schema, self.fmt = path, schema, fmt
        self.transform, self.delimiter, self.encoding, self.bom = (
            transform,
            delimiter,
            encoding,
            bom,
        )
        self.rows = 0
        self._file = None
        self._parquet: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self.transform is not None:
            table = self.transform(table, self.rows)
        if self.fmt == "parquet":
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            self._parquet.write_table(table)
        else:
            self._write_csv(table)
        self.rows += table.num_rows

    def _write_csv(self, table: pa.Table) -> None:
        if self._file is None:
            self._file = open(self.path, "wb")  # noqa: SIM115 - closed in close()
            if self.bom:
                self._file.write(BOM)
            header = self.delimiter.join(table.column_names) + "\n"
            self._file.write(header.encode(self.encoding))
        if table.num_rows == 0:
            return
        sink = pa.BufferOutputStream()
        options = pacsv.WriteOptions(
            include_header=False, delimiter=self.delimiter, quoting_style="none", batch_size=65_536
        )
        pacsv.write_csv(table, sink, options)
        data = sink.getvalue()
        if self.encoding != "utf-8":
            data = data.to_pybytes().decode("utf-8").encode(self.encoding)
        self._file.write(data)

    def close(self) -> int:
        """Finish the file (a header-only file for an empty table); return the data rows."""
        if self._file is None and self._parquet is None:
            empty = self.schema.empty_table()
            self.write(empty)
        if self._file is not None:
            self._file.close()
        if self._parquet is not None:
            self._parquet.close()
        return self.rows
