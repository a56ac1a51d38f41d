"""Files people take away: CSV and Parquet of a table, PNG of a chart, each carrying the filters
and date range it was made with.

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage
return) get a leading apostrophe (OWASP "CSV injection"). PNGs are drawn by kaleido with the
machine's Chromium; one kaleido server is started per process and shared under a lock.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.parquet as pq

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PNG_LOCK = threading.Lock()
_server_started = False


def neutralize(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula, made inert with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [neutralize(str(c)) for c in out.columns]
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            out[column] = series.map(neutralize)
    return out


def csv_bytes(frame: pd.DataFrame, lines: Sequence[str]) -> bytes:
    """The table as UTF-8 CSV, after one line per entry of `lines` (title, filters, cut-off)
    and an empty line; blank (suppressed) cells stay empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for line in lines:
        writer.writerow([neutralize(line)])
    writer.writerow([])
    _cells(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def parquet_bytes(frame: pd.DataFrame, lines: Sequence[str]) -> bytes:
    """The table as Parquet, with `lines` in the file's key-value metadata ("description")."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[b"description"] = "\n".join(lines).encode("utf-8")
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(metadata), buffer)
    return buffer.getvalue()


def stamped(fig: go.Figure, lines: Sequence[str]) -> go.Figure:
    """A copy of the figure with `lines` printed under the plot (filters, cut-off)."""
    out = go.Figure(fig)
    height = out.layout.height or 520
    extra = 24 * len(lines) + 20
    margin = out.layout.margin
    bottom = (margin.b or 10) + extra
    out.update_layout(
        height=height + extra,
        margin={"b": bottom, "l": margin.l or 10, "r": margin.r or 10, "t": margin.t or 50},
    )
    out.add_annotation(
        text="<br>".join(_escape(line) for line in lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-(bottom - 8),
        xanchor="left",
        yanchor="bottom",
        align="left",
        showarrow=False,
        font={"size": 11, "color": "#444"},
    )
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def png_bytes(fig: go.Figure, lines: Sequence[str], *, width: int = 1000, scale: int = 2) -> bytes:
    """The figure as PNG with `lines` printed under it (kaleido with the machine's Chromium)."""
    import kaleido

    global _server_started
    figure = stamped(fig, lines)
    opts = {"format": "png", "width": width, "height": figure.layout.height, "scale": scale}
    with _PNG_LOCK:  # kaleido's sync server answers one caller at a time
        if not _server_started:
            kaleido.start_sync_server(silence_warnings=True)
            _server_started = True
        return kaleido.calc_fig_sync(figure.to_dict(), opts=opts)
