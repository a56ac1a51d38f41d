"""Charts of weekly use patterns: positivity by week under each missing-data rule, outcome
definitions side by side, and time to the event (same style as dashboard.charts)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import color, num, style
from dashboard.survival_charts import km_curves


def positivity(df: pd.DataFrame) -> go.Figure:
    """Share of positive weeks by week in treatment, one line (and 95% band) per missing rule."""
    fig = go.Figure()
    for i, (rule, rows) in enumerate(df.sort_values("week_number").groupby("missing", sort=False)):
        x = rows["week_number"]
        low, high = num(rows["positive_rate_lower"]), num(rows["positive_rate_upper"])
        shade = {"mode": "lines", "line": {"width": 0}, "showlegend": False, "hoverinfo": "skip"}
        fig.add_scatter(x=x, y=high, legendgroup=rule, **shade)
        fig.add_scatter(
            x=x, y=low, fill="tonexty", legendgroup=rule, **shade, fillcolor=color(i) + "26"
        )
        fig.add_scatter(
            x=x,
            y=num(rows["positive_rate"]),
            name=f"missing = {rule}",
            legendgroup=rule,
            mode="lines+markers",
            line={"color": color(i)},
            customdata=num(rows["n_weeks"]),
            meta="n_last",
            hovertemplate="week %{x}: %{y:.0%} of n = %{customdata:,.0f}<extra></extra>",
        )
    fig.update_layout(
        xaxis_title="Week in treatment",
        yaxis={"tickformat": ".0%", "title": "Positive weeks", "rangemode": "tozero"},
    )
    return style(fig, "Weekly positivity under each missing-data rule")


def definitions_side_by_side(df: pd.DataFrame) -> go.Figure:
    """Each definition's event rate with its 95% interval, one colour per missing-data rule."""
    fig = go.Figure()
    for i, (rule, rows) in enumerate(df.groupby("missing", sort=False)):
        value = num(rows["event_rate"])
        fig.add_scatter(
            x=value,
            y=rows["definition"],
            mode="markers",
            name=f"missing = {rule}",
            marker={"size": 10, "color": color(i)},
            customdata=num(rows["n_evaluable"]),
            meta="n_last",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": num(rows["event_rate_upper"]) - value,
                "arrayminus": value - num(rows["event_rate_lower"]),
            },
            hovertemplate="%{y}: %{x:.0%} of n = %{customdata:,.0f}<extra></extra>",
        )
    fig.update_layout(xaxis={"tickformat": ".0%", "range": [0, 1.02], "title": "Event rate"})
    return style(fig, "Definitions side by side", height=120 + 60 * df["definition"].nunique())


def relapse_curves(curve: pd.DataFrame, title: str) -> go.Figure:
    """Kaplan–Meier share of episodes without the definition's event, by week in treatment."""
    return km_curves(
        curve,
        title=f"Time to event: {title}",
        time="week",
        value="event_free_rate",
        step=2,
        x_title="Week in treatment",
        y_title="Event-free",
    )
