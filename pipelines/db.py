"""Reading the published database: read-only connections that follow atomic replacement."""

from __future__ import annotations

import os
import threading
from datetime import date, datetime
from pathlib import Path

import duckdb


class PublishedDatabase:
    """One read-only connection to the published file, reopened when a build replaces it.

    A build moves a new file over the published path (`os.replace`); the old connection keeps
    reading the old file. Before each use we compare the file's inode and mtime and, if they
    changed, close the connection (DuckDB caches instances by path) and open the new file.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._stamp: tuple[int, int] | None = None

    def _current_stamp(self) -> tuple[int, int]:
        st = os.stat(self.path)
        return (st.st_ino, st.st_mtime_ns)

    @property
    def version(self) -> tuple[int, int]:
        """Changes whenever a new database is published: use it as a cache key."""
        return self._current_stamp()

    def connection(self) -> duckdb.DuckDBPyConnection:
        if not self.path.exists():
            raise FileNotFoundError(f"no database at {self.path}: run `outcomes build` first")
        with self._lock:
            stamp = self._current_stamp()
            if self._con is None or stamp != self._stamp:
                if self._con is not None:
                    self._con.close()
                self._con = duckdb.connect(str(self.path), read_only=True)
                self._con.execute("set enable_progress_bar = false")
                self._stamp = stamp
            return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for one query: one connection object is not thread-safe."""
        return self.connection().cursor()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con, self._stamp = None, None


def build_info(con: duckdb.DuckDBPyConnection) -> dict[str, date | datetime | str]:
    """Data cut-off and build time of a database, for "last refreshed" lines."""
    cur = con.cursor()
    try:
        as_of = cur.execute("select as_of from meta.parameters").fetchone()[0]
        built_at, source, contract = cur.execute(
            "select built_at, source, contract_version from meta.build_info"
        ).fetchone()
    finally:
        cur.close()
    return {"as_of": as_of, "built_at": built_at, "source": source, "contract": contract}
