"""Exports: CSV with neutralized formulas and the filters on top, Parquet with the filters in its
metadata, PNG with the filters printed under the chart."""

from __future__ import annotations

import io

import pandas as pd
import plotly.graph_objects as go
import pyarrow.parquet as pq
import pytest

from pipelines.export import csv_bytes, neutralize, parquet_bytes, png_bytes, stamped
from tests.conftest import require

LINES = ["Sample IOP: Completion", "Filters: track: Morning", "Admissions from 2026-01-01 to …"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Morning", "Morning"),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralize(value, expected):
    assert neutralize(value) == expected


def test_csv_has_filters_on_top_and_inert_cells():
    frame = pd.DataFrame(
        {"group_value": ["=1+2", "Morning"], "n_x": pd.array([None, 12], dtype="Int64")}
    )
    text = csv_bytes(frame, LINES).decode()
    head, _, body = text.partition("\n\n")
    assert head.splitlines() == LINES
    assert body.splitlines() == ["group_value,n_x", "'=1+2,", "Morning,12"]


def test_parquet_keeps_the_filters_in_its_metadata():
    frame = pd.DataFrame({"client_id": ["Pabc"], "los_days": [67]})
    table = pq.read_table(io.BytesIO(parquet_bytes(frame, LINES)))
    assert table.to_pandas().equals(frame)
    assert table.schema.metadata[b"description"].decode() == "\n".join(LINES)


def test_stamped_figure_prints_the_lines_under_the_plot():
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    out = stamped(fig, LINES)
    note = out.layout.annotations[-1]
    assert note.text == "<br>".join(LINES).replace("…", "…")
    assert out.layout.height > 520 and len(fig.layout.annotations) == 0  # the original is kept


@pytest.mark.browser
def test_png_is_drawn_by_chromium():
    from pathlib import Path

    require(Path("/usr/bin/chromium"), "Chromium (kaleido draws PNGs with it)")
    png = png_bytes(go.Figure(go.Bar(x=["a", "b"], y=[3, 5])), LINES, width=600, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == 600
