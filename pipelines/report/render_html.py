"""The report as HTML from one Jinja template: for print (charts as PNG, printed by Chromium,
see render_pdf) or standalone for screens (plotly.js embedded, so it opens offline)."""

from __future__ import annotations

import base64
import mimetypes
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from pipelines.report.charts import html_div, png_data_uris
from pipelines.report.model import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def logo_data_uri(path: Path | None) -> str | None:
    if path is None:
        return None
    media = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{media};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def generated(report: Report) -> str:
    return f"{report.generated_at:%Y-%m-%d %H:%M %Z}".strip()


def render_html(report: Report, *, interactive: bool) -> str:
    """The report's HTML; `interactive` embeds plotly.js and live charts instead of PNGs."""
    figures = {chart.key: chart.figure for section in report.sections for chart in section.charts}
    if interactive:
        charts = {key: html_div(figure) for key, figure in figures.items()}
    else:
        charts = png_data_uris(figures)
    plotly_js = ""
    if interactive:
        from plotly.offline import get_plotlyjs

        plotly_js = Markup(get_plotlyjs())  # inline: a CDN link renders blank offline
    return (
        _environment()
        .get_template("report.html")
        .render(
            report=report,
            interactive=interactive,
            css=Markup((TEMPLATES / "report.css").read_text()),
            plotly_js=plotly_js,
            charts=charts,
            logo=logo_data_uri(report.logo),
            generated=generated(report),
        )
    )


def html_bytes(report: Report) -> bytes:
    """The standalone HTML report (UTF-8), about 5 MB with plotly.js inside."""
    return render_html(report, interactive=True).encode("utf-8")
