"""What every page draws the same way: a chart or table with its caption, its definition one
click away, the reason for blank cells, and exports stamped with the filters and date range."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data, filters
from pipelines import export
from pipelines.access import Shown

DEFINITIONS_PAGE = "app_pages/definitions.py"


def page_header(title: str, question: str) -> None:
    st.title(title)
    st.caption(question)


def not_shown(why: str) -> None:
    """Say why something is missing from this view (in place of a chart a role may not see)."""
    st.info(why, icon=":material/visibility_off:")


def pct(value: object, digits: int = 0) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.{digits}%}"


def count(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{int(value):,}"


def interval(low: object, high: object) -> str:
    if pd.isna(low) or pd.isna(high):
        return "95% CI —"
    return f"95% CI {float(low):.0%}–{float(high):.0%}"


def date_range(f) -> str:
    first, last = data.choices()["admission_dates"]
    return f"Admissions from {f.date_from or first} to {f.date_to or last}"


def context_lines(title: str, shown: Shown | None = None, compare: str | None = None) -> list:
    """Title, filters, date range, cut-off and view, for the top of a CSV or foot of a PNG."""
    f, info, role = filters.current(), data.info(), data.role()
    view = f"View: {role}"
    if role == "funder" or (shown is not None and shown.k is not None):
        view += f" (small-cell suppression, counts below {data.settings().small_cell_min} blank)"
    lines = [
        f"{data.settings().program_name}: {title}",
        f"Filters: {f.describe()}" + (f"; compared by {compare}" if compare else ""),
        date_range(f),
        f"Data cut-off {info['as_of']:%Y-%m-%d}; last refreshed {info['built_at']:%Y-%m-%d %H:%M}"
        f" UTC; exported {date.today():%Y-%m-%d}",
        view,
    ]
    if shown is not None and shown.note():
        lines.append(shown.note())
    return lines


def footer(caption: str, shown: Shown | None = None) -> None:
    """The chart's or table's caption, and why its blank cells are blank."""
    st.caption(caption)
    if shown is not None and shown.note():
        st.caption(f":material/visibility_off: {shown.note()}")


def _links(metric: str | None, key: str):
    row = st.container(horizontal=True, gap="small")
    if metric:
        row.page_link(
            DEFINITIONS_PAGE,
            label=f"Definition: {metric}",
            icon=":material/menu_book:",
            query_params={"metric": metric},
        )
    return row


def chart(
    fig: go.Figure,
    metric: str | None,
    caption: str,
    *,
    key: str,
    shown: Shown | None = None,
    compare: str | None = None,
) -> None:
    """A plotly chart, its caption and definition link, and a PNG export stamped with filters."""
    st.plotly_chart(fig, width="stretch", key=f"chart-{key}", theme=None)
    footer(caption, shown)
    title = fig.layout.title.text or key
    lines = context_lines(title, shown, compare)
    _links(metric, key).download_button(
        "PNG",
        data=lambda: export.png_bytes(fig, lines),
        file_name=f"{key}.png",
        mime="image/png",
        key=f"png-{key}",
        icon=":material/image:",
        on_click="ignore",
    )


def table(
    shown: Shown | pd.DataFrame,
    metric: str | None,
    caption: str,
    *,
    key: str,
    title: str,
    columns: dict[str, object] | None = None,
    compare: str | None = None,
    hide: Sequence[str] = ("interval_method",),
    full: Callable[[], pd.DataFrame] | None = None,
) -> None:
    """A table, its caption and definition link, and a CSV export stamped with filters.

    `full`, for a table shown only in part (its first rows), fetches the whole of it for the
    CSV when the button is pressed (data.later)."""
    if isinstance(shown, pd.DataFrame):
        shown = Shown(shown)

    chosen = None if columns is None else list(columns)

    def shaped(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.drop(columns=[c for c in hide if c in frame.columns])
        return frame if chosen is None else frame[[c for c in chosen if c in frame.columns]]

    frame = shaped(shown.frame)
    dates = {
        c: st.column_config.DateColumn(c.replace("_", " ").capitalize())
        for c in frame.columns
        if pd.api.types.is_datetime64_any_dtype(frame[c]) and c not in (columns or {})
    }
    columns = {**(columns or {}), **dates} or None
    st.markdown(f"**{title}**")
    shown_frame, shown_columns = _with_blanks(frame, shown.reasons, columns)
    st.dataframe(shown_frame, hide_index=True, column_config=shown_columns, key=f"table-{key}")
    footer(caption, shown)
    lines = context_lines(title, shown, compare)
    _links(metric, key).download_button(
        "CSV",
        data=lambda: export.csv_bytes(frame if full is None else shaped(full()), lines),
        file_name=f"{key}.csv",
        mime="text/csv",
        key=f"csv-{key}",
        icon=":material/download:",
        on_click="ignore",
    )


BLANK = "—"


def _format(config: object):
    percent = isinstance(config, dict) and config.get("type_config", {}).get("format") == "percent"

    def fmt(value: object) -> str:
        if value is None or pd.isna(value):
            return ""
        if isinstance(value, bool | str):
            return str(value)
        if percent:
            return f"{float(value):.1%}"
        return f"{int(value):,}" if float(value).is_integer() else f"{float(value):.4g}"

    return fmt


def _with_blanks(frame: pd.DataFrame, reasons: pd.DataFrame | None, columns: dict | None):
    """Columns with suppressed cells as text, the hidden cells as a dash the caption explains."""
    if reasons is None or not (reasons != "").to_numpy().any():
        return frame, columns
    out, config = frame.copy(), dict(columns or {})
    for column in [c for c in frame.columns if c in reasons and (reasons[c] != "").any()]:
        fmt, hidden = _format(config.get(column)), (reasons[column] != "").to_numpy()
        out[column] = [BLANK if h else fmt(v) for v, h in zip(frame[column], hidden, strict=True)]
        label = (config.get(column) or {}).get("label") or column
        config[column] = st.column_config.TextColumn(
            label, help=f"{BLANK} = hidden small cell", alignment="right"
        )
    return out, config


def percent(label: str, help: str | None = None):
    return st.column_config.NumberColumn(label, format="percent", help=help)


def number(label: str, help: str | None = None, fmt: str | None = None):
    return st.column_config.NumberColumn(label, help=help, format=fmt)


def text(label: str, help: str | None = None):
    return st.column_config.TextColumn(label, help=help)
