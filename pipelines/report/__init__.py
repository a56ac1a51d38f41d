"""The funder quarterly report (PDF, standalone HTML, Excel workbook) and the client-level
SAMHSA-style extract for the program itself. See docs/report.md.

    from pipelines.report import build_report
    pdf = build_report(con, quarter="2026Q3", filters=Filters(sites=("Downtown",)), fmt="pdf")
"""

from pipelines.report.build import FORMATS, MEDIA_TYPES, assemble, build_report

__all__ = ["FORMATS", "MEDIA_TYPES", "assemble", "build_report"]
