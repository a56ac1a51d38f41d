"""`outcomes report` and `outcomes extract` on the tiny dataset (answers from
tests/fixtures/tiny/README.md): formats, refusals, the client-level extract's rows, and formulas
in the data made inert in the workbook and the extract."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date

import pytest
from openpyxl import load_workbook

from pipelines.cli import main
from pipelines.report import build_report
from pipelines.report.extract import COLUMNS
from pipelines.settings import Settings
from tests.conftest import TINY, TINY_AS_OF


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_report_refusals(tiny_db, tmp_path, capsys):
    code, _, err = run(capsys, "report", "--quarter", "2026Q1", "--out", str(tmp_path / "a.doc"),
                       "--db", str(tiny_db))  # fmt: skip
    assert code == 2 and "--format" in err
    code, _, err = run(capsys, "report", "--quarter", "2026Q3", "--format", "xlsx",
                       "--out", str(tmp_path / "b.xlsx"), "--db", str(tiny_db))  # fmt: skip
    assert code == 2 and "after the data cut-off" in err
    assert not (tmp_path / "b.xlsx").exists()


def test_a_report_never_holds_client_rows(tiny_con):
    with pytest.raises(ValueError, match="extract"):
        build_report(tiny_con, quarter="2026Q1", fmt="csv", settings=Settings())


def test_extract_needs_an_explicit_flag(tiny_db, tmp_path, capsys):
    out = tmp_path / "interviews.csv"
    code, _, err = run(capsys, "extract", "--quarter", "2026Q1", "--out", str(out),
                       "--db", str(tiny_db))  # fmt: skip
    assert code == 2 and "42 CFR Part 2" in err and "--client-level" in err
    assert not out.exists()


def test_extract_rows_of_the_quarter(tiny_db, tmp_path, capsys):
    out = tmp_path / "interviews.csv"
    code, printed, _ = run(capsys, "extract", "--quarter", "2026Q1", "--client-level",
                           "--out", str(out), "--db", str(tiny_db))  # fmt: skip
    assert code == 0 and "client-level" in printed
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert tuple(rows[0]) == COLUMNS
    # Intakes: the six episodes admitted in Q1 (C5#2 has no intake interview). Discharges in
    # Q1: C1, C2, C4 (administrative, no interview), C6. Follow-ups: C5's 30d reached 01-20 and
    # C4's reached 03-25 (contact dates in Q1), C2's 2w pending after its window closed 03-22.
    kinds = [r["record_type"] for r in rows]
    assert (kinds.count("intake"), kinds.count("discharge"), kinds.count("followup")) == (6, 4, 3)
    by_key = {(r["client_id"], r["record_type"], r["timepoint"]): r for r in rows}
    c4 = by_key[("C4", "intake", "intake")]
    assert (c4["interview_date"], c4["days_abstinent"], c4["days_used"]) == ("2026-02-02", "12",
                                                                            "18")  # fmt: skip
    assert by_key[("C4", "discharge", "discharge")]["interview_status"] == "no_interview"
    assert by_key[("C5", "intake", "intake")]["interview_status"] == "no_interview"
    c5 = by_key[("C5", "followup", "30d")]
    assert c5["episode_admission_date"] == "2025-11-03" and c5["is_in_window"] == "yes"
    assert (c5["is_abstinent"], c5["is_employed_or_in_school"], c5["was_arrested_30d"]) == (
        "yes", "yes", "no",
    )  # fmt: skip
    assert (c5["window_start_date"], c5["window_end_date"]) == ("2025-12-19", "2026-02-17")
    assert by_key[("C2", "followup", "2w")]["interview_status"] == "pending"
    assert by_key[("C6", "discharge", "discharge")]["discharge_reason_teds_code"] == "3"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """The tiny dataset with a track and a site that a spreadsheet would run as formulas."""
    from pipelines.build import build

    folder = tmp_path_factory.mktemp("hostile")
    for path in TINY.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    admissions = (folder / "admissions.csv").read_text()
    (folder / "admissions.csv").write_text(
        admissions.replace("Morning", "=1+2").replace(",north,", ",@north,")
    )
    db = folder / "outcomes.duckdb"
    build(folder, Settings(db_path=db, as_of=date.fromisoformat(TINY_AS_OF)))
    return db


def test_report_writes_a_workbook_with_formulas_made_inert(hostile_db, tmp_path, capsys):
    out = tmp_path / "q1.xlsx"
    code, printed, _ = run(capsys, "report", "--quarter", "2026Q1", "--out", str(out),
                           "--db", str(hostile_db))  # fmt: skip
    assert code == 0 and "wrote the 2026Q1 report (xlsx" in printed
    book = load_workbook(out)
    assert book.sheetnames[0] == "README" and "census" in book.sheetnames
    texts = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True)
             for c in row if isinstance(c, str)]  # fmt: skip
    assert "Data cut-off: 2026-03-31" in texts and "Filters: all episodes" in texts
    assert "Track: =1+2" in texts and "Site: @north" in texts  # labels not starting with "="
    assert "'=1+2" in texts  # the track as a level of the retention-bias table
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]


def test_extract_makes_formulas_inert(hostile_db, tmp_path, capsys):
    out = tmp_path / "x.csv"
    code, _, _ = run(capsys, "extract", "--quarter", "2026Q1", "--client-level",
                     "--out", str(out), "--db", str(hostile_db))  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert code == 0 and {r["track"] for r in rows} == {"'=1+2", "Evening"}
    assert {r["site"] for r in rows} == {"'@north", "south"}
