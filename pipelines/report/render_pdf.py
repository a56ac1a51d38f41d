"""The report as PDF: the print HTML (charts as PNG at scale 2, drawn by plotly.js in the same
browser, see charts.png_data_uris) printed by headless Chromium (report.browser). Page numbers
and the program, period, filters, cut-off and generation time are on every page."""

from __future__ import annotations

from pipelines.report import browser
from pipelines.report.model import Report
from pipelines.report.render_html import _environment, generated, logo_data_uri, render_html


def print_options(report: Report) -> dict:
    """CDP Page.printToPDF options: the page size and margins of report.css, backgrounds, and
    the header and footer of templates/furniture.html. Untagged, as WeasyPrint's PDF was: the
    tags (structure tree) took ~0.8 s more and tripled the file (~0.9 MB instead of ~0.3)."""
    furniture = _environment().get_template("furniture.html").module
    return {
        "preferCSSPageSize": True,
        "printBackground": True,
        "displayHeaderFooter": True,
        "generateTaggedPDF": False,
        "headerTemplate": str(furniture.header(report, logo_data_uri(report.logo))),
        "footerTemplate": str(furniture.footer(report, generated(report))),
    }


def pdf_bytes(report: Report) -> bytes:
    browser.start()  # launches while the page is written, if not running yet
    return browser.print_pdf(render_html(report, interactive=False), print_options(report))
