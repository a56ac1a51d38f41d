"""Kaplan–Meier curves with log-log 95% bands and a number-at-risk table under the curve."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts import color, num, style


def at_risk(rows: pd.DataFrame, ticks: list[int], time: str = "day") -> list[int]:
    """Number at risk at each tick: episodes still followed (no exit, not censored) by then."""
    times = rows[time].to_numpy(float)
    risk = num(rows["n_at_risk"]).to_numpy()
    out = []
    for t in ticks:
        later = np.flatnonzero(times >= t)
        out.append(int(risk[later[0]]) if later.size else 0)
    return out


def ticks_for(max_time: float, step: int) -> list[int]:
    step = max(step, int(np.ceil(max_time / 10 / step)) * step)
    return list(range(0, int(max_time) + 1, step))


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def km_curves(
    curve: pd.DataFrame,
    *,
    title: str = "Retention: time to premature exit",
    time: str = "day",
    value: str = "retained_rate",
    step: int = 30,
    x_title: str = "Days since admission",
    y_title: str = "Retained (no premature exit)",
) -> go.Figure:
    """Step curves per group with shaded bands, and the number at risk at each tick below."""
    groups = list(curve.groupby("group_value", sort=True))
    table = 30 + 24 * len(groups)  # pixels for the number-at-risk rows
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
        row_heights=[400 / (400 + table), table / (400 + table)],
    )  # fmt: skip
    ticks = ticks_for(curve[time].max() if len(curve) else step, step)
    for i, (group, rows) in enumerate(groups):
        rows = rows.sort_values(time)
        x = np.r_[0, rows[time].to_numpy(float)]
        y = np.r_[1.0, num(rows[value]).to_numpy()]
        low = np.r_[1.0, num(rows[f"{value}_lower"]).to_numpy()]
        high = np.r_[1.0, num(rows[f"{value}_upper"]).to_numpy()]
        shade = {"mode": "lines", "line": {"width": 0, "shape": "hv"}, "showlegend": False}
        shade["hoverinfo"] = "skip"
        fig.add_scatter(x=x, y=high, legendgroup=str(group), row=1, col=1, **shade)
        fig.add_scatter(
            x=x,
            y=low,
            fill="tonexty",
            fillcolor=_rgba(color(i), 0.15),
            legendgroup=str(group),
            row=1,
            col=1,
            **shade,
        )
        fig.add_scatter(
            x=x,
            y=y,
            name=str(group),
            legendgroup=str(group),
            row=1,
            col=1,
            mode="lines",
            line={"shape": "hv", "color": color(i), "width": 2},
            hovertemplate=f"{group}: %{{y:.0%}} at {time} %{{x}}<extra></extra>",
        )
        fig.add_scatter(
            x=ticks,
            y=[str(group)] * len(ticks),
            text=[f"{n:,}" for n in at_risk(rows, ticks, time)],
            mode="text",
            textfont={"color": color(i), "size": 12},
            showlegend=False,
            hoverinfo="skip",
            meta="count",
            row=2,
            col=1,
        )
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02], title_text=y_title, row=1, col=1)
    fig.update_yaxes(
        title_text="At risk",
        range=[-0.6, len(groups) - 0.4],
        row=2,
        col=1,
        showline=False,
        ticks="",
        categoryorder="array",
        categoryarray=[str(g) for g, _ in groups][::-1],
    )
    fig.update_xaxes(tickvals=ticks, row=1, col=1, showticklabels=True)
    fig.update_xaxes(title_text=x_title, tickvals=ticks, row=2, col=1, showline=False)
    return style(fig, title, height=400 + table + 140)
