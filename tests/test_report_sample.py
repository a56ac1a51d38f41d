"""The quarterly report of the bundled sample for 2026Q3 (cut-off 2026-09-30), in all three
formats: the PDF renders to page images, its text layer holds the numbers worked out here from
the marts with pandas, and the report's numbers equal the metric functions'."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from pipelines import metrics
from pipelines.access.queries import negative_screen_rate
from pipelines.metrics import Filters
from pipelines.report import queries
from pipelines.report.build import assemble
from pipelines.report.period import Period, Quarter
from pipelines.report.render_html import html_bytes
from pipelines.report.render_xlsx import xlsx_bytes
from pipelines.settings import Settings
from tests.conftest import REPO, require

QUARTER, START, END = "2026Q3", pd.Timestamp("2026-07-01"), pd.Timestamp("2026-09-30")
COHORT = Filters(quarters=(QUARTER,))
GENERATED = datetime(2026, 10, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    from pipelines.build import build

    path = tmp_path_factory.mktemp("report-sample") / "outcomes.duckdb"
    build(REPO / "sample_data" / "sample", Settings(db_path=path))
    return path


@pytest.fixture(scope="module")
def con(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def report(con):
    return assemble(con, quarter=QUARTER, settings=Settings(), generated_at=GENERATED)


@pytest.fixture(scope="module")
def pdf(report, tmp_path_factory) -> Path:
    require(Path(shutil.which("chromium") or "/usr/bin/chromium"), "Chromium (kaleido)")
    from pipelines.report.render_pdf import pdf_bytes

    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(pdf_bytes(report))
    return path


@pytest.fixture(scope="module")
def pdf_pages(pdf) -> list[str]:
    require(Path(shutil.which("pdftotext") or "/usr/bin/pdftotext"), "pdftotext (poppler)")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.fixture(scope="module")
def expected(con) -> dict[str, object]:
    """The quarter's numbers worked out with pandas from the marts, not with the report's SQL."""
    eps = con.sql("select * from marts.episodes").df()
    served = eps[(eps.admission_date <= END)
                 & (eps.discharge_date.isna() | (eps.discharge_date >= START))]  # fmt: skip
    discharged = eps[eps.discharge_date.between(START, END)]
    fu = con.sql("select * from marts.followups").df().merge(eps[["episode_id"]])
    closed = fu[fu.window_close_date.between(START, END) & (fu.window_close_date < END)]
    counted = closed[closed.status != "deceased"]
    return {
        "census": [served.client_id.nunique(), len(served),
                   int((served.admission_date < START).sum()),
                   int(eps.admission_date.between(START, END).sum()), len(discharged),
                   int((served.discharge_date.isna() | (served.discharge_date > END)).sum())],
        "completed": int((discharged.discharge_reason == "completed").sum()),
        "discharged": len(discharged),
        "followups": counted.groupby("timepoint").agg(n=("status", "size"),
                                                      reached=("is_in_window", "sum")),
    }  # fmt: skip


def test_pdf_renders_to_page_images(pdf, tmp_path):
    require(Path(shutil.which("pdftoppm") or "/usr/bin/pdftoppm"), "pdftoppm (poppler)")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 8 <= len(pages) <= 24
    assert all(p.stat().st_size > 3_000 for p in pages)  # not blank


def test_every_page_says_what_it_is(pdf_pages):
    n = len(pdf_pages)
    for i, page in enumerate(pdf_pages, start=1):
        assert f"Page {i} of {n}" in page
        assert "Sample IOP" in page and "2026Q3 (2026-07-01 to 2026-09-30)" in page
        assert "Filters: all episodes" in page and "Data cut-off 2026-09-30" in page
        assert "Generated 2026-10-02 09:30 UTC" in page


def test_pdf_text_holds_the_quarters_numbers(pdf_pages, expected):
    text = " ".join(pdf_pages)
    census = " ".join(f"{n:,}" for n in expected["census"])
    assert f"All clients {census}" in text
    rate = 100 * expected["completed"] / expected["discharged"]
    assert f"All clients {expected['discharged']:,} {expected['completed']:,} {rate:.1f}%" in text
    for timepoint, row in expected["followups"].iterrows():
        share = f"{100 * row.reached / row.n:.1f}%"
        assert re.search(rf"\b{timepoint} {row.n:,} {row.reached:,} {re.escape(share)} \(", text)
    assert "Appendix: definitions" in text and "followup_outcomes" in text
    assert "In-window rule" in text and "80%" in text


def program(report, key: str) -> pd.DataFrame:
    sheet = next(s for s in report.sheets if s.key == key)
    return sheet.data[sheet.data["dimension"] == "program"].reset_index(drop=True)


def by_group(report, key: str, dimension: str) -> pd.DataFrame:
    sheet = next(s for s in report.sheets if s.key == key)
    return sheet.data[sheet.data["dimension"] == dimension].set_index("group")


def test_numbers_equal_the_metric_functions(con, report):
    census = program(report, "census").iloc[0]
    assert census["n_admissions"] == metrics.active_census(con, filters=COHORT)["n_episodes"][0]
    months = metrics.census_by_month(con)
    in_quarter = months[months["month"].between(START, END)]
    assert census["n_discharges"] == in_quarter["n_discharges"].sum()
    assert census["n_active_end"] == in_quarter["n_active_end"].iloc[-1]
    retention = program(report, "retention")
    km = metrics.retention_at(con, filters=COHORT, days=(30, 60, 90))
    assert retention["retained_rate"][:2].astype(float).tolist() == km["retained_rate"][:2].tolist()
    assert retention["n_at_risk"][:2].astype(int).tolist() == km["n_at_risk"][:2].tolist()
    attendance = by_group(report, "attendance", "track")
    for row in metrics.attendance_rate(con, filters=COHORT, group_by="track").itertuples():
        assert attendance.loc[row.group_value, "n_attended"] == row.n_attended
        assert attendance.loc[row.group_value, "attendance_rate"] == row.attendance_rate
    dose = program(report, "dose").iloc[0]
    hours = metrics.hours_per_week(con, filters=COHORT).iloc[0]
    assert dose["n_weeks_meeting_minimum"] == hours["n_weeks_meeting_minimum"]
    assert dose["hours_per_week_mean"] == hours["hours_per_week_mean"]
    screens = by_group(report, "screens", "site")
    for row in negative_screen_rate(con, filters=COHORT, group_by="site").itertuples():
        assert screens.loc[row.group_value, "n_negative"] == row.n_negative


def test_report_tables_match_pandas(report, expected):
    census = program(report, "census").iloc[0]
    columns = ["n_clients_served", "n_episodes_served", "n_active_start", "n_admissions"]
    columns += ["n_discharges", "n_active_end"]
    assert census[columns].astype(int).tolist() == expected["census"]
    followups = program(report, "followups").set_index("timepoint")
    for timepoint, row in expected["followups"].iterrows():
        counts = followups.loc[timepoint, ["n_eligible", "n_in_window"]].tolist()
        assert counts == [row.n, row.reached]


def test_html_is_standalone_and_interactive(report):
    html = html_bytes(report).decode("utf-8")
    assert len(html) > 3_000_000  # plotly.js inside, so it opens offline
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=\"?http", html)
    assert html.count("Plotly.newPlot(") == 3
    assert "Follow-up rate per timepoint, all clients" in html
    assert "Data cut-off" in html and "2026Q3 (2026-07-01 to 2026-09-30)" in html


def test_workbook_has_every_table_and_a_readme(report, expected):
    book = load_workbook(io.BytesIO(xlsx_bytes(report)))
    assert book.sheetnames[0] == "README"
    assert set(book.sheetnames[1:]) == {s.key for s in report.sheets}
    readme = [c for row in book["README"].iter_rows(values_only=True) for c in row if c]
    assert "Period: 2026Q3 (2026-07-01 to 2026-09-30)" in readme
    assert "Data cut-off: 2026-09-30" in readme and "Filters: all episodes" in readme
    rows = list(book["census"].iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "group"))
    first = dict(zip(rows[header], rows[header + 1], strict=True))
    assert first["group"] == "All clients" and first["n_admissions"] == expected["census"][3]


def test_trends_cover_four_quarters_counted_as_their_own_reports(con, report):
    trends = next(s for s in report.sheets if s.key == "trends").data
    assert list(dict.fromkeys(trends["quarter"])) == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    q2 = Period(Quarter.parse("2026Q2"), date(2026, 9, 30))
    assert q2.end == date(2026, 6, 30) and not q2.is_partial
    census = queries.census(queries.period_rows(con, period=q2, filters=Filters(), group_by=None))
    admitted = trends[(trends["quarter"] == "2026Q2") & (trends["measure"] == "Admissions")]
    assert admitted["n_value"].iloc[0] == census["n_admissions"].iloc[0]
    assert (
        admitted["n_value"].iloc[0]
        == metrics.active_census(con, filters=Filters(quarters=("2026Q2",)))["n_episodes"].iloc[0]
    )


def test_the_logo_is_optional_and_printed_when_set(report, tmp_path, monkeypatch):
    from pipelines.report.build import logo_path
    from pipelines.report.render_html import render_html

    monkeypatch.delenv("OUTCOMES_LOGO_PATH", raising=False)
    assert logo_path(Settings()) is None
    monkeypatch.setenv("OUTCOMES_LOGO_PATH", str(tmp_path / "missing.png"))
    with pytest.raises(FileNotFoundError, match="OUTCOMES_LOGO_PATH"):
        logo_path(Settings())
    logo = tmp_path / "logo.png"
    logo.write_bytes(bytes.fromhex("89504e470d0a1a0a"))  # a PNG signature is enough here
    monkeypatch.setenv("OUTCOMES_LOGO_PATH", str(logo))
    assert logo_path(Settings()) == logo
    html = render_html(replace(report, logo=logo), interactive=True)
    for where in ("logo", "cover-logo"):  # the page header and the cover
        assert f'class="{where}" src="data:image/png;base64,iVBORw0KGgo' in html
