"""Excel workbooks (.xlsx) through openpyxl: DuckDB's excel extension cannot be installed offline.

Cells become the text a CSV export would hold (dates in the profile's first date format, whole
numbers without ".0", true/false), so one set of checks serves every format. A row's line number
is its row number in the sheet, as Excel shows it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import pyarrow as pa

from pipelines.ingest.sources import FileRefused

if TYPE_CHECKING:
    from pipelines.ingest.sources import Source


def _sheet(source: Source):
    import openpyxl

    try:
        book = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors all mean "not a workbook"
        raise FileRefused(
            source.path, None, None, f"cannot be read as an Excel workbook: {exc}"
        ) from exc
    wanted = source.profile.sheet
    names = {n.lower(): n for n in book.sheetnames}
    if wanted is not None:
        if wanted.lower() not in names:
            raise FileRefused(
                source.path,
                None,
                None,
                f"has no sheet named {wanted!r} (sheets: {', '.join(book.sheetnames)})",
            )
        return book, book[names[wanted.lower()]]
    name = names.get(source.table, book.sheetnames[0])
    return book, book[name]


def cell_text(value: object, date_format: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.strftime(date_format)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header_row(source: Source) -> list[str]:
    book, sheet = _sheet(source)
    try:
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    finally:
        book.close()
    header = [cell_text(v, "%Y-%m-%d") or "" for v in first]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise FileRefused(source.path, 1, None, "the first row is empty: no header row")
    return header


def read_rows(source: Source) -> pa.Table:
    """Text columns c0..cN (one per header cell) and `_rec` = sheet row number - 1."""
    fmt = source.profile.rules.date_formats[0]
    width = len(source.header)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    recs: list[int] = []
    book, sheet = _sheet(source)
    try:
        for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            cells = [cell_text(v, fmt) for v in row[:width]]
            if not any(c not in (None, "") for c in cells):
                continue  # an empty row is no record, as a blank line in CSV
            cells += [None] * (width - len(cells))
            for i, c in enumerate(cells):
                columns[i].append(c)
            recs.append(number - 1)
    finally:
        book.close()
    arrays = {f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)}
    return pa.table({**arrays, "_rec": pa.array(recs, pa.int64())})
