"""Small cells in the report of a small site: no count from 1 to k−1 anywhere in the PDF, the
HTML or the workbook, and every blank cell explained. The site is Downtown in a generated
sample of 500 episodes (seed 3): 25 episodes in care in 2026Q3, two to eight per track."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.metrics import Filters
from pipelines.report import queries
from pipelines.report.build import assemble
from pipelines.report.period import Period, Quarter
from pipelines.report.render_html import render_html
from pipelines.report.render_xlsx import xlsx_bytes
from pipelines.settings import Settings
from tests.conftest import require
from tests.generated_sample import build_sample

K = 11
SITE = Filters(sites=("Downtown",))
# A bare whole number: not part of a date, a time, a decimal, a percent or a label like 2026Q3.
NUMBER = re.compile(r"(?<![\w.,:\-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w.,:%\-])")
PAGE = re.compile(r"Page \d+ of \d+")


def small_numbers(text: str) -> list[int]:
    values = [int(m.replace(",", "")) for m in NUMBER.findall(PAGE.sub("", text))]
    return [v for v in values if 1 <= v <= K - 1]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db, _ = build_sample(tmp_path_factory, episodes=500, seed=3)
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


FALLBACKS: list[str] = []


@pytest.fixture(scope="module")
def report(con):
    """The report, watching that no table's protection fell back to rows on their own (which
    happens when a table's groups do not add up to its total)."""
    import pipelines.access.protect as protect

    originals = {n: getattr(protect, n) for n in ("rate_reasons", "count_reasons")}

    def watch(name):
        def call(*args, **kw):
            try:
                return originals[name](*args, **kw)
            except ValueError as exc:
                if kw.get("total_row") is not None:
                    FALLBACKS.append(f"{name}: {exc}")
                raise

        return call

    with pytest.MonkeyPatch.context() as patch:
        for name in originals:
            patch.setattr(protect, name, watch(name))
        return assemble(con, quarter="2026Q3", filters=SITE, settings=Settings(small_cell_min=K))


def test_groups_are_protected_against_their_totals(report):
    assert FALLBACKS == []


def test_the_site_is_small_enough_to_matter(con, report):
    period = Period(Quarter.parse("2026Q3"), report.as_of)
    raw = queries.census(queries.period_rows(con, period=period, filters=SITE, group_by="track"))
    small = raw[[c for c in raw.columns if c.startswith("n_")]].stack()
    assert ((small >= 1) & (small < K)).sum() >= 10  # many cells to hide
    shown = next(s for s in report.sheets if s.key == "census").data.iloc[0]
    # 25 episodes served, 7 of them carried over (blank) and 18 admitted (blank beside them).
    assert shown["group"] == "All clients" and shown["n_episodes_served"] == 25
    assert shown[["n_active_start", "n_admissions"]].isna().all()


def test_no_small_count_in_the_workbook(report):
    book = load_workbook(io.BytesIO(xlsx_bytes(report)))
    comments = 0
    for ws in book.worksheets:
        counts: set[int] = set()  # columns of counts (n_...), from the header row
        for row in ws.iter_rows():
            if any(isinstance(c.value, str) and c.value.startswith("n_") for c in row):
                counts = {c.column for c in row if str(c.value).startswith("n_")}
            if ws.title == "README" and row[0].value == "definition":
                break  # the catalogue's definitions follow: no data
            for cell in row:
                value = cell.value
                if isinstance(value, (int, float)) and cell.column in counts:
                    assert not 1 <= value < K, f"{ws.title}!{cell.coordinate} = {value}"
                elif isinstance(value, str):
                    assert small_numbers(value) == [], f"{ws.title}!{cell.coordinate}: {value}"
                if cell.comment is not None:
                    comments += 1
                    assert cell.value is None and cell.comment.text
            else:
                continue
            break
    assert comments > 50
    assert any("count below 11" in (c.comment.text if c.comment else "")
               for ws in book.worksheets for row in ws.iter_rows() for c in row)  # fmt: skip


def test_no_small_count_in_the_html(report):
    html = render_html(report, interactive=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    report_part = text[: text.rindex("Appendix: definitions")]
    assert small_numbers(report_part) == []
    assert "Blank (—): a: count below 11" in report_part
    assert body.count('class="hidden"') > 50
    for section in report.sections:
        for chart in section.charts:
            for trace in chart.figure.data:
                for axis in ("x", "y"):
                    values = getattr(trace, axis, None) or ()
                    ints = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
                    assert all(not 1 <= v < K for v in ints), chart.key


def test_no_small_count_in_the_pdf(report, tmp_path):
    require(Path(shutil.which("chromium") or "/usr/bin/chromium"), "Chromium (kaleido)")
    require(Path(shutil.which("pdftotext") or "/usr/bin/pdftotext"), "pdftotext (poppler)")
    from pipelines.report.render_pdf import pdf_bytes

    path = tmp_path / "downtown.pdf"
    path.write_bytes(pdf_bytes(report))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    text = " ".join(text.split())
    report_part = text[: text.rindex("Appendix: definitions")]
    assert small_numbers(report_part) == []
    assert "Filters: sites: Downtown" in text
    for letter, reason in (("a", "count below 11"), ("b", "cannot be recalculated")):
        assert re.search(rf"{letter}: [^;]*{reason}", report_part)
