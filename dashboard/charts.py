"""Chart functions: pure `DataFrame -> go.Figure`, one consistent colour-blind-safe style."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = "Source Sans Pro, Arial, sans-serif"


def style(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        colorway=list(PALETTE),
        font={"family": FONT, "size": 13},
        template="simple_white",
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
    )
    return fig


def admissions_by_month(df: pd.DataFrame) -> go.Figure:
    """Stacked bars of admissions per month, one colour per group."""
    fig = go.Figure()
    for group, rows in df.groupby("group_value", sort=True):
        fig.add_bar(x=rows["admission_month"], y=rows["n_admissions"], name=str(group))
    fig.update_layout(barmode="stack", xaxis_title="Admission month", yaxis_title="Admissions")
    return style(fig, "Admissions by month")


def discharges_by_reason(df: pd.DataFrame) -> go.Figure:
    """Horizontal bars of discharges per reason, with counts and shares as labels."""
    rows = df.sort_values("sort_order", ascending=False)
    total = rows["n_discharges"].sum()
    share = rows["n_discharges"] / total if total else rows["n_discharges"] * 0
    labels = [f"{n:,} ({s:.0%})" for n, s in zip(rows["n_discharges"], share, strict=True)]
    fig = go.Figure(
        go.Bar(
            x=rows["n_discharges"],
            y=rows["label"],
            orientation="h",
            text=labels,
            textposition="outside",
            marker_color=PALETTE[0],
        )
    )
    fig.update_layout(xaxis_title=f"Discharges (of {total:,})", yaxis_title=None)
    return style(fig, "Discharges by reason")
