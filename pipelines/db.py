"""The published database: read-only connections that follow atomic replacement, and the
writer's side of it (one writer at a time, work files beside the published one, `os.replace`).

Readers never take a lock: a writer works on its own file and moves it over the published path
in one step, so a reader sees the old database or the new one, never a mixture.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb

WORK_MARK = ".building-"
# Results computed on a published connection, kept for that connection's life. A published file
# never changes under its connection (a new build is a new file, so a new connection), so a
# result cannot go stale; other connections (a build's, a test's in-memory one) keep nothing.
KEEP_PER_CONNECTION = 32
_kept: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, OrderedDict] = (
    weakref.WeakKeyDictionary()
)
_kept_lock = threading.Lock()


def kept(con: duckdb.DuckDBPyConnection, key: Hashable, compute: Callable[[], object]) -> object:
    """`compute()` once per `key` on a published connection (the last KEEP_PER_CONNECTION keys),
    every time on any other connection. For intermediate results several metrics share (the
    counted use-pattern words of one filter), not for what pages show: Streamlit caches those."""
    with _kept_lock:
        store = _kept.get(con)
        if store is not None and key in store:
            store.move_to_end(key)
            return store[key]
    value = compute()  # outside the lock: a slow query must not hold up other threads
    if store is not None:
        with _kept_lock:
            store[key] = value
            while len(store) > KEEP_PER_CONNECTION:
                store.popitem(last=False)
    return value


def forget_kept(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what was kept for `con` (the benchmarks measure a page as on a new filter)."""
    with _kept_lock:
        if con in _kept:
            _kept[con] = OrderedDict()


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
                with _kept_lock:
                    _kept[self._con] = OrderedDict()
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


class WriterBusy(RuntimeError):
    """Another build or ingest holds the database's writer lock."""


@contextlib.contextmanager
def writer_lock(target: Path, timeout: float = 600.0) -> Iterator[None]:
    """One writer at a time: two loads copying the same file would lose one of them."""
    lock_path = target.with_name(f".{target.name}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WriterBusy(f"another load into {target} is still running") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def work_path(target: Path) -> Path:
    return target.with_name(f".{target.name}{WORK_MARK}{os.getpid()}")


def remove_work_files(work: Path) -> None:
    """A work file and what DuckDB keeps beside it (write-ahead log, spill folder)."""
    for extra in (work, Path(f"{work}.wal")):
        extra.unlink(missing_ok=True)
    shutil.rmtree(Path(f"{work}.tmp"), ignore_errors=True)


def remove_stale_work_files(target: Path) -> None:
    """Work files left by a writer that was killed (its process is gone); call under the lock."""
    for path in target.parent.glob(f".{target.name}{WORK_MARK}*"):
        pid = path.name.rsplit("-", 1)[-1].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            remove_work_files(path.with_name(path.name.split(".wal")[0].split(".tmp")[0]))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_work(target: Path, *, fresh: bool) -> Path:
    """A work file: a copy of the published database, or nothing (a fresh build)."""
    work = work_path(target)
    remove_work_files(work)
    if not fresh and target.exists():
        shutil.copyfile(target, work)
    return work


def publish(work: Path, target: Path) -> None:
    """Move a closed, checkpointed work file over the published path in one step."""
    with open(work, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(work, target)
