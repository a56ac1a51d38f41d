"""The one streaming pass over an input file's bytes: its SHA-256, its line count and its
encoding, and the refusals that need only the bytes (empty, a workbook or UTF-16 named .csv,
binary data, not UTF-8, old Mac line endings). It runs before the load (`scan`), or on its
first chunk before and the rest on a thread beside DuckDB's read (`peek`, `background`,
`settle`).
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Future
from dataclasses import dataclass

from pipelines.ingest.sources import FileRefused, Source

CHUNK = 8 << 20


@dataclass(frozen=True)
class Facts:
    """What one pass over a file's bytes tells (see `scan`)."""

    sha256: str
    size: int
    encoding: str
    n_newlines: int
    tail_newlines: int
    has_bom: bool


def scan(source: Source) -> None:
    """Hash, count lines and settle the encoding in one pass over the bytes."""
    apply(source, facts(source))


def peek(source: Source) -> None:
    """The checks of `scan` on the first chunk only, and the encoding that chunk suggests.

    Enough to read the header; `facts` over the whole file (in a thread, while DuckDB reads
    it: see `background`) settles the rest before any row of the file is kept.
    """
    found = facts(source, first_chunk_only=True)
    source.encoding, source.has_bom = found.encoding, found.has_bom


def background(source: Source) -> Future:
    """`facts(source)` in a thread: hashlib and file reads release the GIL, so the pass over the
    bytes runs beside DuckDB's read of the same file instead of before it."""
    future: Future = Future()

    def work() -> None:
        try:
            future.set_result(facts(source))
        except BaseException as exc:  # handed to the thread that waits for it
            future.set_exception(exc)

    threading.Thread(target=work, name=f"scan {source.name}", daemon=True).start()
    return future


def settle(source: Source) -> bool:
    """Wait for the thread's pass (a refusal it found is raised here) and keep its facts.

    True when the whole file turned out not to be UTF-8 although its first chunk was: it must
    then be read again as Latin-1.
    """
    if source.pending is None:
        return False
    future, source.pending = source.pending, None
    before = source.encoding
    apply(source, future.result())
    return source.encoding != before


def apply(source: Source, found: Facts) -> None:
    source.sha256, source.size, source.encoding = found.sha256, found.size, found.encoding
    source.n_newlines, source.tail_newlines = found.n_newlines, found.tail_newlines
    source.has_bom = found.has_bom


def facts(source: Source, *, first_chunk_only: bool = False) -> Facts:
    digest = hashlib.sha256()
    encoding = source.profile.encoding
    check_utf8 = encoding in ("auto", "utf-8") and source.format == "csv"
    newlines, size, carry, tail = 0, 0, b"", b""
    with source.path.open("rb") as f:
        first = f.read(CHUNK)
        _refuse_unreadable(source, first)
        chunk = first
        while chunk:
            digest.update(chunk)
            if check_utf8 and not chunk.isascii():
                bad, carry = _utf8_error(carry + chunk)
                if bad is not None:
                    if encoding == "utf-8":
                        line = newlines + (carry + chunk)[:bad].count(b"\n") + 1
                        raise FileRefused(
                            source.path,
                            line,
                            None,
                            'is not UTF-8 text: set encoding = "latin-1" '
                            'in the source profile (or "auto")',
                        )
                    check_utf8, encoding = False, "latin-1"
            size += len(chunk)
            newlines += chunk.count(b"\n")
            tail = (tail + chunk)[-4096:]
            chunk = b"" if first_chunk_only else f.read(CHUNK)
        whole = not first_chunk_only or not f.read(1)
    stripped = tail.rstrip(b"\r\n")
    if whole and source.format == "csv" and newlines == 0 and b"\r" in first:
        raise FileRefused(
            source.path,
            None,
            None,
            "uses old Mac line endings (CR only): save it with Windows or Unix line endings",
        )
    return Facts(
        digest.hexdigest(),
        size,
        "utf-8" if encoding == "auto" else encoding,
        newlines,
        tail[len(stripped) :].count(b"\n"),
        first.startswith(b"\xef\xbb\xbf"),
    )


def _utf8_error(data: bytes) -> tuple[int | None, bytes]:
    """Position of the first byte that is not UTF-8 (None if all good) and an unfinished tail."""
    try:
        data.decode("utf-8")
        return None, b""
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            return None, data[exc.start :]
        return exc.start, b""


def _refuse_unreadable(source: Source, first: bytes) -> None:
    if not first:
        raise FileRefused(source.path, None, None, "is empty: no header, no rows")
    if source.format != "csv":
        return
    if first.startswith(b"PK\x03\x04"):
        raise FileRefused(
            source.path,
            None,
            None,
            "is an Excel workbook or a zip file, not "
            "CSV text: give it the .xlsx extension or export it as CSV",
        )
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(source.path, None, None, "is UTF-16 text: export it as UTF-8 or Latin-1")
    if b"\x00" in first:
        raise FileRefused(source.path, None, None, "is not a text file (it holds binary data)")
