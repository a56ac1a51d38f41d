"""Line numbers and raw text of CSV records, found cheaply.

DuckDB numbers records, not lines: `row_number()` over a read is the record number among the
rows it accepted. Record k starts on line k + 1 (header = line 1) only when no record was
rejected, no quoted value spans lines and no blank line sits between records. The line scan of
`file_bytes.scan` tells whether that holds (physical lines = records + 1). If it does, rejected
records only shift the count, which a small as-of join corrects. If not, Python's csv module
finds every record's first line once (about a million rows a second) and a join maps them.
Raw text is fetched for the few lines that need it, skipping whole chunks of the file.
"""

from __future__ import annotations

import bisect
import csv
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.ingest.sources import Source

CHUNK = 8 << 20


@dataclass
class LineMap:
    kind: str  # "offset": line = record + 1; "shift": plus rejected records; "table": a join
    exact: bool = True


def text_encoding(source: Source) -> str:
    return "utf-8-sig" if source.encoding == "utf-8" else source.encoding


def reject_lines(source: Source, offsets: list[int]) -> list[int]:
    """The line each rejected record starts on, from DuckDB's byte offsets.

    DuckDB's offset may point at the line break before the record: skip line breaks first.
    """
    adjusted = []
    with source.path.open("rb") as f:
        for offset in offsets:
            f.seek(offset)
            head = f.read(64)
            adjusted.append(offset + len(head) - len(head.lstrip(b"\r\n")))
    order = sorted(range(len(adjusted)), key=adjusted.__getitem__)
    lines = [0] * len(adjusted)
    with source.path.open("rb") as f:
        position, counted = 0, 0
        for i in order:
            while position < adjusted[i]:
                block = f.read(min(CHUNK, adjusted[i] - position))
                if not block:
                    break
                counted += block.count(b"\n")
                position += len(block)
            lines[i] = counted + 1
    return lines


def plan(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    n_accepted: int,
    n_rejected: int,
    table: str,
    where: str,
) -> LineMap:
    """Correct `_line` of the file's rows (`table` filtered by `where`) where records and lines
    differ; set `_rej.line`; fill `_linemap` (first line -> last line of each record)."""
    con.execute("create or replace temp table _linemap (_line bigint, _end_line bigint)")
    if source.format != "csv":
        return LineMap("offset")
    regular = source.content_lines == n_accepted + n_rejected + 1
    con.execute("alter table _rej add column line bigint")
    if regular:
        # Records are lines: DuckDB's own record count is the line number of a rejected one.
        con.execute("update _rej set line = duck_line")
        if not n_rejected:
            return LineMap("offset")
        _shift(con, table, where)
        return LineMap("shift")
    offsets = [r[0] for r in con.execute("select byte_offset from _rej order by 1").fetchall()]
    physical = reject_lines(source, offsets)
    if offsets:
        con.executemany(
            "update _rej set line = ? where byte_offset = ?",
            list(zip(physical, offsets, strict=True)),
        )
    starts, ends = record_starts(source)
    if len(starts) != n_accepted + n_rejected:
        # The csv module and DuckDB split the file differently: count records instead.
        con.execute("update _rej set duck_line = line")
        if n_rejected:
            _shift(con, table, where)
        return LineMap("shift" if n_rejected else "offset", exact=False)
    index = [bisect.bisect_left(starts, line) for line in physical]
    accepted = np.delete(np.asarray(starts, dtype=np.int64), index)
    last = np.delete(np.asarray(ends, dtype=np.int64), index)
    recs = np.arange(1, len(accepted) + 1, dtype=np.int64)
    con.register("_linemap_arrow", pa.table({"_rec": recs, "_line": accepted, "_end_line": last}))
    con.execute(
        f"update {table} as r set _line = m._line from _linemap_arrow as m "
        f"where {where} and r._line - 1 = m._rec"
    )
    con.execute("insert into _linemap select _line, _end_line from _linemap_arrow")
    con.unregister("_linemap_arrow")
    return LineMap("table")


def _shift(con: duckdb.DuckDBPyConnection, table: str, where: str) -> None:
    # The j-th rejected record (record index r_j = its line - 1) pushes every accepted record k
    # with k > r_j - j one line further down: line(k) = k + 1 + #{j : r_j - j < k}.
    con.execute(
        f"""
        update {table} as r set _line = r._line + x.shift
        from (
            select i.rowid as rid, s.shift
            from (select rowid, _line from {table} where {where}) as i
            asof join (
                select from_rec, max(shift) as shift from (
                    select duck_line - row_number() over (order by duck_line) as from_rec,
                        row_number() over (order by duck_line) as shift
                    from _rej
                ) group by from_rec
            ) as s on i._line - 1 >= s.from_rec
        ) as x
        where r.rowid = x.rid
        """
    )


def record_starts(source: Source) -> tuple[list[int], list[int]]:
    """The first and last line of every record after the header, skipping blank lines."""
    csv.field_size_limit(sys.maxsize)
    starts: list[int] = []
    ends: list[int] = []
    with source.path.open(newline="", encoding=text_encoding(source), errors="replace") as f:
        reader = csv.reader(f, delimiter=source.delimiter, quotechar='"')
        next(reader, None)
        previous_end = reader.line_num
        for row in reader:
            if row:
                starts.append(previous_end + 1)
                ends.append(reader.line_num)
            previous_end = reader.line_num
    return starts, ends


def fetch_text(
    source: Source, starts: Iterable[int], ends: Iterable[int]
) -> Iterator[tuple[int, str]]:
    """(start, text of lines start..end) for spans sorted by start; whole chunks are skipped."""
    want = iter(zip(starts, ends, strict=True))
    span = next(want, None)
    encoding = text_encoding(source)
    line, pending = 1, b""  # `pending` holds the lines from `line` on that are not used yet
    with source.path.open("rb") as f:
        while span is not None:
            chunk = f.read(CHUNK)
            data = pending + chunk
            n = data.count(b"\n")
            complete = n if chunk else n + 1  # at the end, the last piece is a line too
            if span[0] >= line + complete and chunk:
                cut = data.rfind(b"\n") + 1
                pending, line = data[cut:], line + n
                continue
            parts = data.split(b"\n")
            while span is not None and span[1] < line + complete:
                start, end = int(span[0]), int(span[1])
                piece = b"\n".join(p.rstrip(b"\r") for p in parts[start - line : end - line + 1])
                yield start, piece.decode(encoding, errors="backslashreplace")
                span = next(want, None)
            if not chunk:
                break
            keep = min(int(span[0]), line + n) if span is not None else line + n
            pending, line = b"\n".join(parts[keep - line :]), keep
