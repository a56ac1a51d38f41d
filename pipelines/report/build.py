"""Assemble a quarterly report and render it: `build_report(con, quarter=..., fmt=...)` is what
the command line and the dashboard call. Only aggregate tables, each protected for funders, are
ever put in a report; the client-level extract is a separate function (`report.extract`)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import duckdb

from pipelines.metrics.filters import ALL, Filters
from pipelines.report import charts, queries
from pipelines.report.definitions import definitions
from pipelines.report.layout import PERIODS
from pipelines.report.model import Report, Sheet
from pipelines.report.period import Period, Quarter
from pipelines.report.sections import (
    care_section,
    census_section,
    completion,
    discharge_section,
    join_tables,
    retention_section,
)
from pipelines.report.sections_followup import (
    abstinence_section,
    bias_section,
    followup_section,
    outcomes_section,
)
from pipelines.report.tables import compute, dimensions_for
from pipelines.report.trends import earlier, trends, trends_section
from pipelines.settings import Settings

FORMATS = ("pdf", "html", "xlsx")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LOGO_ENV = "OUTCOMES_LOGO_PATH"


def logo_path(settings: Settings) -> Path | None:
    """The optional logo: `Settings.logo_path` once it exists, else OUTCOMES_LOGO_PATH."""
    raw = getattr(settings, "logo_path", None) or os.environ.get(LOGO_ENV) or None
    if raw is None:
        return None
    path = Path(raw)
    if not path.is_file():
        raise FileNotFoundError(f"{LOGO_ENV}={raw!r}: no such file")
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".svg"):
        raise ValueError(f"{LOGO_ENV}={raw!r}: the logo must be a PNG, JPEG or SVG file")
    return path


def assemble(
    con: duckdb.DuckDBPyConnection,
    *,
    quarter: str | Quarter,
    filters: Filters = ALL,
    settings: Settings | None = None,
    generated_at: datetime | None = None,
) -> Report:
    """Compute, protect and lay out every table of the report for one quarter."""
    settings = settings or Settings.from_env()
    k = settings.small_cell_min
    parameters = queries.run(con, "parameters", {}).iloc[0]
    as_of = parameters["as_of"]
    as_of = as_of.date() if hasattr(as_of, "date") else as_of
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    period = Period(quarter, as_of)
    periods = [Period(q, as_of) for q in quarter.last(4)]
    window = int(parameters["followup_window_days"])
    # The earlier quarters of the trends on other threads: their queries run while this thread
    # protects and lays out the quarter's own tables (DuckDB works outside the GIL).
    with ThreadPoolExecutor(len(periods) - 1, thread_name_prefix="report-trends") as pool:
        before = [pool.submit(earlier, con, p, filters, k) for p in periods[:-1]]
        tables = compute(con, period, filters, k, dimensions_for(filters))
        completed = completion(tables["discharges"], k)
        sections = [
            census_section(tables, k),
            discharge_section(tables, k, completed),
            retention_section(tables, k),
            care_section(tables, k),
            abstinence_section(tables, k),
            followup_section(tables, k, window),
            outcomes_section(tables, k),
            bias_section(tables, k),
        ]
        trend = trends(periods, [*(f.result() for f in before), tables])
    sections.append(trends_section(trend, k))
    return Report(
        program_name=settings.program_name,
        period=period,
        filters=filters.describe(),
        as_of=as_of,
        generated_at=generated_at or datetime.now().astimezone(),
        k=k,
        sections=sections,
        sheets=_sheets(tables, completed, trend, window),
        definitions=definitions(),
        logo=logo_path(settings),
    )


def _sheets(tables, completed, trend, window: int) -> list[Sheet]:
    followups = PERIODS["followups"].format(window=window)
    specs = [
        ("census", "Clients served, admissions and discharges", PERIODS["census"],
         tables["census"]),
        ("discharges", "Discharges by reason and length of stay", PERIODS["discharges"],
         tables["discharges"]),
        ("completion", "Completion", PERIODS["discharges"], completed),
        ("retention", "Retention at 30, 60 and 90 days", PERIODS["retention"],
         tables["retention"]),
        ("attendance", "Attendance", PERIODS["attendance"], tables["attendance"]),
        ("dose", "Dose (ASAM level 2.1 minimum: nine hours a week for adults, six under "
         "eighteen), initiation and engagement", PERIODS["attendance"],
         join_tables(tables["dose"], tables["initiation"])),
        ("screens", "Drug screens", PERIODS["screens"], tables["screens"]),
        ("abstinence", "Abstinence, paired", PERIODS["abstinence"], tables["abstinence"]),
        ("followups", "Follow-up rates", followups, tables["followups"]),
        ("outcomes", "Outcomes among those reached", PERIODS["outcomes"], tables["outcomes"]),
        ("bias", "Retention bias", PERIODS["bias"], tables["bias"]),
        ("trends", "Trends, last four quarters", PERIODS["trends"], trend),
    ]  # fmt: skip
    return [Sheet.of(*spec) for spec in specs]


def build_report(
    con: duckdb.DuckDBPyConnection,
    *,
    quarter: str,
    filters: Filters = ALL,
    fmt: str = "pdf",
    settings: Settings | None = None,
) -> bytes:
    """The quarterly report as a file: 'pdf' (printed by Chromium), 'html' (standalone, plotly
    embedded, opens offline) or 'xlsx' (one sheet per table and a README). Aggregates only,
    suppressed."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {FORMATS}; the client-level extract is "
                         "`pipelines.report.extract`, not a report")  # fmt: skip
    # Meanwhile Chromium launches (PDF) and plotly loads while the tables are computed.
    if fmt == "pdf":
        from pipelines.report import browser

        browser.start()
    threading.Thread(target=charts.warm_up, name="report-plotly", daemon=True).start()
    report = assemble(con, quarter=quarter, filters=filters, settings=settings)
    if fmt == "pdf":
        from pipelines.report.render_pdf import pdf_bytes

        return pdf_bytes(report)
    if fmt == "html":
        from pipelines.report.render_html import html_bytes

        return html_bytes(report)
    from pipelines.report.render_xlsx import xlsx_bytes

    return xlsx_bytes(report)
