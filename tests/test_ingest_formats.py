"""Real exports vary: encodings, delimiters, line breaks inside values, blank lines, Excel,
Parquet and source profiles. Each test checks the loaded values and the exact line numbers."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.ingest.profile import ProfileError, load_profile, parse_profile

from .test_ingest_support import BASE, appended, counts, load_one, with_line

ATT = "attendance.csv"


def test_bom_and_windows_line_endings(tmp_path):
    path = tmp_path / ATT
    text = with_line(ATT, 6, "A2,2026-01-19,gone,group,180").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    got = load_one(path)
    assert counts(got.result) == (7, 6, 0, 1)
    assert [(q["line"], q["value"], q["raw_line"]) for q in got.quarantine] == [
        (6, "gone", "A2,2026-01-19,gone,group,180")
    ]
    assert got.raw[0][:5] == ("A1", "2026-01-05", "attended", "group", "180")


def test_semicolons_and_quoted_delimiters(tmp_path):
    path = tmp_path / ATT
    lines = [line.replace(",", ";") for line in BASE[ATT]]
    lines[3] = 'A1;2026-01-14;attended;"individual";60'
    lines.append('"A;4";2026-01-20;attended;group;60')  # a quoted value holding the delimiter
    path.write_text("\n".join(lines) + "\n")
    got = load_one(path)
    assert counts(got.result) == (8, 8, 0, 0)
    assert [r[0] for r in got.raw][-1] == "A;4"


def test_tab_separated(tmp_path):
    path = tmp_path / "attendance.tsv"
    path.write_text("\n".join(line.replace(",", "\t") for line in BASE[ATT]) + "\n")
    assert counts(load_one(path).result) == (7, 7, 0, 0)


def test_trailing_delimiter_is_read_fine(tmp_path):
    path = tmp_path / ATT
    path.write_text("\n".join([BASE[ATT][0], *(line + "," for line in BASE[ATT][1:])]) + "\n")
    got = load_one(path)
    assert counts(got.result) == (7, 7, 0, 0)
    assert got.raw[-1][:5] == ("A3", "2026-02-09", "attended", "group", "120")


def test_latin1_is_detected(tmp_path):
    path = tmp_path / "admissions.csv"
    text = "\n".join(BASE["admissions.csv"]).replace("Counselor 02", "Counselor Peña") + "\n"
    path.write_bytes(text.encode("latin-1"))
    got = load_one(path)
    assert got.result.encoding == "latin-1"
    assert got.raw[1][13] == "Counselor Peña"


def test_line_break_inside_a_quoted_value(tmp_path):
    # Line 3 holds a value over two lines (3-4): every later record starts a line further down.
    path = tmp_path / "admissions.csv"
    lines = list(BASE["admissions.csv"])
    lines[2] = lines[2].replace("Hispanic", '"Hispanic,\nor Latino"')
    lines[3] = lines[3].replace(",29,", ",nine,")
    path.write_text("\n".join(lines) + "\n")
    got = load_one(path)
    assert counts(got.result) == (3, 2, 0, 1)
    assert [(q["line"], q["column_name"]) for q in got.quarantine] == [(5, "age_at_admission")]
    assert [r[-1] for r in got.raw] == [2, 3]
    assert got.raw[1][11] == "Hispanic,\nor Latino"


def test_quarantined_value_spanning_lines_keeps_its_whole_text(tmp_path):
    path = tmp_path / ATT
    path.write_text(with_line(ATT, 4, 'A1,2026-01-14,"at\ntended",individual,60'))
    q = load_one(path).quarantine[0]
    assert (q["line"], q["value"]) == (4, "at\ntended")
    assert q["raw_line"] == 'A1,2026-01-14,"at\ntended",individual,60'


def test_blank_lines_between_rows(tmp_path):
    path = tmp_path / ATT
    lines = list(BASE[ATT])
    lines[3:3] = ["", ""]  # two blank lines after line 3
    lines[7] = "A2,2026-01-19,excused,group,x"  # line 8 of the file
    path.write_text("\n".join(lines) + "\n\n")
    got = load_one(path)
    assert counts(got.result) == (7, 6, 0, 1)
    assert [q["line"] for q in got.quarantine] == [8]
    assert [r[-1] for r in got.raw] == [2, 3, 6, 7, 9, 10]


def test_rejected_line_before_a_bad_row(tmp_path):
    path = tmp_path / ATT
    text = with_line(ATT, 3, "A1,2026-01-07,no_show")  # cannot be split: DuckDB skips it
    path.write_text(text.replace("A3,2026-02-09,attended,group,120", "A3,2026-02-09,x,group,120"))
    got = load_one(path)
    assert [(q["line"], q["check_name"]) for q in got.quarantine] == [
        (3, "unreadable_line"),
        (8, "not_allowed"),
    ]
    assert [r[-1] for r in got.raw] == [2, 4, 5, 6, 7]


def test_excel_workbook(tmp_path):
    path = tmp_path / "attendance.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "attendance"
    sheet.append(["Client_ID", "session_date", "status", "session_type", "duration_minutes"])
    sheet.append(["A1", datetime(2026, 1, 5), "attended", "group", 180.0])
    sheet.append([None, None, None, None, None])  # an empty row is no record
    sheet.append(["A1", date(2026, 1, 7), "no show", "group", 180])
    sheet.append(["A2", "2026-01-12", "attended", "group", 90])
    book.save(path)
    got = load_one(path)
    assert counts(got.result) == (3, 2, 0, 1)
    assert [(q["line"], q["column_name"], q["value"]) for q in got.quarantine] == [
        (4, "status", "no show")
    ]
    assert [r[:5] + r[-1:] for r in got.raw] == [
        ("A1", "2026-01-05", "attended", "group", "180", 2),
        ("A2", "2026-01-12", "attended", "group", "90", 5),
    ]


def test_parquet_with_typed_columns(tmp_path):
    path = tmp_path / "abstinence.parquet"
    pq.write_table(
        pa.table(
            {
                "client_id": ["A1", "A2", "A3"],
                "assessment_date": [date(2026, 1, 5), date(2026, 1, 12), date(2026, 2, 2)],
                "window_days": [30, 30, 7],
                "days_abstinent": [10, 5, 12],
            }
        ),
        path,
    )
    got = load_one(path)
    assert counts(got.result) == (3, 2, 0, 1)
    assert [(q["line"], q["check_name"]) for q in got.quarantine] == [(4, "days_over_window")]
    assert got.raw[0][:4] == ("A1", "2026-01-05", "30", "10")


def test_parquet_dates_under_a_profile_date_format(tmp_path):
    path = tmp_path / "abstinence.parquet"
    pq.write_table(
        pa.table(
            {
                "client_id": ["A1"],
                "assessment_date": [date(2026, 1, 5)],
                "days_abstinent": [10],
            }
        ),
        path,
    )
    profile = tmp_path / "us.toml"
    profile.write_text('date_format = "%m/%d/%Y"\n')
    got = load_one(path, profile=profile)
    assert counts(got.result) == (1, 1, 0, 0)
    assert got.raw[0][:2] == ("A1", "2026-01-05")


def test_example_profile(tmp_path):
    path = tmp_path / "Admissions_2026-03.csv"
    path.write_text(
        "Client ID;Admit Date;Program;Level of Care;Discharge Date;Discharge Reason;MOUD;Age\n"
        "A1;01/05/2026;Morning;IOP;02/20/2026;Completed Tx;none;34\n"
        "A2;2026-01-12;Evening;PHP;N/A;;methadone;NULL\n"
        "A3;02/02/2026;Morning;op;02/27/2026;Left;none;29\n"
    )
    got = load_one(path, profile="example")
    assert counts(got.result) == (3, 2, 0, 1)
    assert [r[:7] + (r[10],) for r in got.raw] == [
        ("A1", "2026-01-05", "Morning", None, "iop", "2026-02-20", "completed", "34"),
        ("A2", "2026-01-12", "Evening", None, "php", None, None, None),
    ]
    q = got.quarantine[0]
    assert (q["line"], q["column_name"], q["value"]) == (4, "discharge_reason", "Left")


def test_file_named_freely_is_matched_by_its_header(tmp_path):
    path = tmp_path / "export (3).csv"
    path.write_text(appended(ATT))
    got = load_one(path)
    assert (got.result.table_name, counts(got.result)) == ("attendance", (7, 7, 0, 0))


def test_messy_profile_mirrors_the_generator():
    from sample_data import messy

    profile = load_profile("messy_sample")
    for table, spec in messy.profile().items():
        tp = profile.tables[table]
        assert tp.encoding == spec["encoding"].replace("utf-8-sig", "utf-8")
        assert tp.delimiter == spec["delimiter"]
        assert tp.rules.date_formats == (spec["date_format"],)
        assert {h: tp.contract_name(h) for h in spec["columns"]} == spec["columns"]
        assert tp.rules.codes == {c: m for c, m in spec["values"].items() if m}
        assert set(spec["true_values"]) <= set(tp.rules.true_values)
        assert set(spec["false_values"]) <= set(tp.rules.false_values)


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"delimeter": ";"}, "unknown key 'delimeter'"),
        ({"tables": {"visits": {}}}, "[tables]: unknown key 'visits'"),
        (
            {"tables": {"attendance": {"columns": {"Appt": "visit_date"}}}},
            "column 'Appt' maps to 'visit_date', not a column of attendance",
        ),
        (
            {"tables": {"attendance": {"codes": {"status": {"Kept": "present"}}}}},
            "code 'Kept' of status maps to 'present', not one of: attended, excused",
        ),
        ({"encoding": "cp1252"}, "encoding 'cp1252' is not one of"),
        ({"date_format": "MM/DD/YYYY"}, "date_format needs strftime codes"),
    ],
)
def test_profile_mistakes_are_refused(doc, words):
    with pytest.raises(ProfileError, match=words.replace("[", r"\[").replace("]", r"\]")):
        parse_profile(doc, "p.toml")


def test_line_numbers_hold_across_a_large_parallel_read(tmp_path):
    # 600,000 rows: several DuckDB row groups and CSV buffers read in parallel. Client C<i> is
    # on line i + 2; line 300,002 cannot be split, line 599,999 has a bad status.
    n = 600_000
    path = tmp_path / ATT
    con = duckdb.connect()
    con.execute(
        f"copy (select 'C' || i as client_id, '2026-01-05' as session_date, "
        f"case when i = {n - 3} then 'gone' else 'attended' end as status, 'group', 60 "
        f"from range({n}) as t(i)) to '{path}' (header)"
    )
    con.close()
    lines = path.read_text().splitlines()
    lines[300_001] = "C300000,2026-01-05"
    path.write_text("\n".join(lines) + "\n")
    got = load_one(path)
    assert counts(got.result) == (n, n - 2, 0, 2)
    assert [(q["line"], q["check_name"]) for q in got.quarantine] == [
        (300_002, "unreadable_line"),
        (n - 1, "not_allowed"),
    ]
    mismatched = [r for r in got.raw if int(r[0][1:]) + 2 != r[-1]]
    assert mismatched == [] and len(got.raw) == n - 2
