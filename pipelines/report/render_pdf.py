"""The report as PDF: the print HTML rendered by WeasyPrint (charts as PNG at scale 2, page
numbers and the program, period, filters, cut-off and generation time on every page)."""

from __future__ import annotations

from pipelines.report.model import Report
from pipelines.report.render_html import TEMPLATES, render_html


def pdf_bytes(report: Report) -> bytes:
    from weasyprint import HTML

    html = render_html(report, interactive=False)
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
