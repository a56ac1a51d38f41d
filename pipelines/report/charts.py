"""Charts of the report: pure functions from protected tables to figures, and the PNG the PDF
embeds (plotly.js in the machine's Chromium, the browser that prints the report, see
report.browser). Blank (suppressed) values are not drawn."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go

from pipelines.report.cells import missing
from pipelines.report.protection import Protected

COLORS = ["#1f5a89", "#d9822b", "#3a8f5c", "#8c5a9e", "#17a2b8", "#5f6b73", "#c9a227", "#e377c2"]
TARGET_COLOR = "#b8433b"
WIDTH, HEIGHT = 900, 360


def _layout(fig: go.Figure, *, percent_axis: str = "y", height: int = HEIGHT) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        width=WIDTH,
        height=height,
        margin={"l": 60, "r": 20, "t": 20, "b": 50},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 13, "color": "#222"},
        legend={"orientation": "h", "y": -0.18, "x": 0},
    )
    axis = {"tickformat": ".0%", "rangemode": "tozero"}
    fig.update_yaxes(**axis) if percent_axis == "y" else fig.update_xaxes(**axis)
    return fig


def _program(table: Protected) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = (table.data["dimension"] == "program").to_numpy()
    return table.data[rows], table.reasons[rows]


def _value(data: pd.DataFrame, reasons: pd.DataFrame, column: str) -> list[float | None]:
    shown = (reasons[column] == "").to_numpy()
    values = data[column].to_numpy(dtype=object)
    return [None if not ok or missing(v) else float(v) for v, ok in zip(values, shown, strict=True)]


def discharge_reasons_chart(discharges: Protected) -> go.Figure:
    """Share of the quarter's discharges per reason, all clients (blank reasons not drawn)."""
    data, reasons = _program(discharges)
    keep = (data["discharge_reason"] != "all").to_numpy()
    data, reasons = data[keep], reasons[keep]
    shares = _value(data, reasons, "reason_rate")
    labels = [label.split(" (")[0] for label in data["discharge_reason_label"]]
    labels = [
        f"{label} (blank)" if s is None else label for label, s in zip(labels, shares, strict=True)
    ]
    text = ["" if s is None else f"{100 * s:.1f}%" for s in shares]
    fig = go.Figure(
        go.Bar(
            x=shares, y=labels, orientation="h", text=text, textposition="outside",
            marker_color=COLORS[0], cliponaxis=False, hoverinfo="skip",
        )
    )  # fmt: skip
    fig.update_yaxes(autorange="reversed", ticksuffix="  ")
    fig = _layout(fig, percent_axis="x", height=300)
    return fig.update_layout(margin={"b": 30})


def followup_chart(followups: Protected, target: float = 0.80) -> go.Figure:
    """Follow-up rate per timepoint, all clients, with its 95% interval and the 80% target."""
    data, reasons = _program(followups)
    data = data.sort_values("timepoint_order")
    reasons = reasons.loc[data.index]
    rates = _value(data, reasons, "followup_rate")
    low = _value(data, reasons, "followup_rate_lower")
    high = _value(data, reasons, "followup_rate_upper")
    plus = [None if r is None or h is None else h - r for r, h in zip(rates, high, strict=True)]
    minus = [None if r is None or lo is None else r - lo for r, lo in zip(rates, low, strict=True)]
    fig = go.Figure(
        go.Bar(
            x=list(data["timepoint"]), y=rates, name="Follow-up rate (95% CI)",
            marker_color=COLORS[0], hoverinfo="skip",
            error_y={"type": "data", "array": plus, "arrayminus": minus, "color": "#444"},
        )
    )  # fmt: skip
    fig.add_hline(y=target, line_dash="dash", line_color=TARGET_COLOR)
    fig.add_annotation(
        x=1, xref="paper", y=target, text=f"SAMHSA target {target:.0%}", showarrow=False,
        yshift=10, xanchor="right", font={"color": TARGET_COLOR},
    )  # fmt: skip
    fig.update_yaxes(range=[0, 1])
    return _layout(fig)


def trends_chart(trends: pd.DataFrame, target: float = 0.80) -> go.Figure:
    """Rates over the last quarters: one line per measure (`trends` from report.trends)."""
    rates = trends[trends["kind"] == "rate"]
    fig = go.Figure()
    for i, (measure, part) in enumerate(rates.groupby("measure", sort=False)):
        values = [None if missing(v) else float(v) for v in part["rate"]]
        fig.add_trace(
            go.Scatter(
                x=list(part["quarter"]), y=values, name=measure, mode="lines+markers",
                line={"color": COLORS[i % len(COLORS)]}, connectgaps=False,
            )
        )  # fmt: skip
    quarters = list(dict.fromkeys(trends["quarter"]))
    fig.add_trace(
        go.Scatter(
            x=quarters, y=[target] * len(quarters), mode="lines", hoverinfo="skip",
            name=f"SAMHSA follow-up target ({target:.0%})",
            line={"color": TARGET_COLOR, "dash": "dash", "width": 1.5},
        )
    )  # fmt: skip
    fig.update_yaxes(range=[0, 1])
    fig.update_xaxes(type="category")
    return _layout(fig, height=400)


def warm_up() -> None:
    """Build a throwaway figure of each kind: the first figure of a process loads plotly's
    validators and the template (about a second), which can happen while queries run."""
    _layout(go.Figure([go.Bar(x=[0], y=[0]), go.Scatter(x=[0], y=[0])]))


def png_data_uris(figures: dict[str, go.Figure]) -> dict[str, str]:
    """Each figure as a PNG data URI at scale 2, for the printed report (an inline SVG gets
    clipped), drawn by plotly.js in the report's Chromium (report.browser) as
    `pipelines.export.png_bytes` draws it with kaleido: the same stamped figure and size."""
    from pipelines.export import stamped
    from pipelines.report.browser import draw_png

    charts = {}
    for key, fig in figures.items():
        figure = stamped(fig, [])
        size = {"width": int(fig.layout.width or WIDTH), "height": figure.layout.height}
        charts[key] = {"figure": json.loads(figure.to_json()), **size, "scale": 2}
    return draw_png(charts) if charts else {}


def html_div(fig: go.Figure) -> str:
    """The figure as a div for the standalone HTML (plotly.js is embedded once by the page)."""
    config = {"displaylogo": False, "responsive": True}
    return fig.to_html(full_html=False, include_plotlyjs=False, config=config)
