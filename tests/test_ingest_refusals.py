"""Files that cannot be read at all: refused with one message naming the file (and the line or
column where there is one), the published database keeps every row it had, and the attempt is
recorded in the audit table."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.build import build
from pipelines.ingest import ingest

from .test_ingest_support import BASE, appended, settings, with_line, write_base

DATA_TABLES = (
    "raw.admissions",
    "raw.attendance",
    "marts.episodes",
    "marts.sessions",
    "ingest.quarantine",
    "ingest.warnings",
)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    folder = write_base(tmp_path_factory.mktemp("base") / "in")
    db = folder.parent / "base.duckdb"
    build(folder, settings(db))
    return db


@pytest.fixture()
def db(published, tmp_path) -> Path:
    target = tmp_path / "pub.duckdb"
    shutil.copyfile(published, target)
    return target


def fingerprint(db: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(
                f"select count(*), md5(coalesce(string_agg(x, '|' order by x), '')) "
                f"from (select t::varchar as x from {t} as t)"
            ).fetchone()
            for t in DATA_TABLES
        }
    finally:
        con.close()


def runs(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select run_id, kind, outcome, message from ingest.runs order by 1"
        ).fetchall()
    finally:
        con.close()


def refuse(db: Path, paths: list[Path], words: str, profile=None) -> str:
    """Ingest, expect a refusal whose message holds `words`; return the message."""
    before = fingerprint(db)
    result = ingest(paths, settings=settings(db), profile=profile, user="tester")
    assert result.outcome == "refused"
    assert words in result.message
    assert fingerprint(db) == before  # not one loaded row changed
    last = runs(db)[-1]
    assert last[1:] == ("ingest", "refused", result.message)  # and the attempt is on record
    assert [p.name for p in db.parent.iterdir() if ".building-" in p.name] == []
    return result.message


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def test_empty_file(db, tmp_path):
    path = write(tmp_path, "attendance.csv", "")
    assert refuse(db, [path], "attendance.csv: is empty: no header, no rows").startswith(str(path))


def test_first_line_blank(db, tmp_path):
    path = write(tmp_path, "attendance.csv", "\n" + "\n".join(BASE["attendance.csv"][1:]) + "\n")
    refuse(db, [path], "attendance.csv, line 1: the first line is empty: no header row")


def test_no_header_row(db, tmp_path):
    path = write(tmp_path, "attendance.csv", "\n".join(BASE["attendance.csv"][1:]) + "\n")
    refuse(
        db,
        [path],
        "attendance.csv, line 1: the first line is not a header row of attendance "
        "(it starts 'A1', '2026-01-05', 'attended', 'group')",
    )


def test_required_column_missing(db, tmp_path):
    text = appended("attendance.csv").replace("status,", "state,", 1)
    path = write(tmp_path, "attendance.csv", text)
    refuse(
        db,
        [path],
        "attendance.csv, line 1, column status: required column is missing from the header",
    )


def test_not_the_table_it_claims_to_be(db, tmp_path):
    path = write(tmp_path, "attendance.csv", appended("admissions.csv"))
    refuse(
        db,
        [path],
        "attendance.csv, line 1, column session_date: required column is missing "
        "from the header (the header looks like the admissions table)",
    )


def test_two_columns_for_one(db, tmp_path):
    lines = [line + "," + line.split(",")[0] for line in BASE["attendance.csv"]]
    lines[0] = lines[0].replace(",client_id", ",Client_ID")
    path = write(tmp_path, "attendance.csv", "\n".join(lines) + "\n")
    refuse(
        db,
        [path],
        "attendance.csv, line 1, column client_id: two columns hold client_id: "
        "'client_id' and 'Client_ID'",
    )


def test_wrong_delimiter_in_profile(db, tmp_path):
    profile = write(tmp_path, "semi.toml", '[tables.attendance]\ndelimiter = ";"\n')
    path = write(tmp_path, "attendance.csv", appended("attendance.csv"))
    refuse(db, [path], "attendance.csv, line 1: the header has one column", profile=profile)


def test_truncated_file(db, tmp_path):
    text = appended("attendance.csv").rstrip("\n")[:-12]  # cut inside the last line
    path = write(tmp_path, "attendance.csv", text)
    refuse(
        db, [path], "attendance.csv, line 8: the last line is cut short: the file looks truncated"
    )


def test_truncated_file_after_a_good_file_publishes_nothing(db, tmp_path):
    good = write(
        tmp_path,
        "admissions.csv",
        appended(
            "admissions.csv", "A4,2026-03-02,Evening,south,iop,,,none,alcohol,male,50,White,self,C"
        ),
    )
    bad = write(tmp_path, "attendance.csv", appended("attendance.csv").rstrip("\n")[:-12])
    refuse(db, [good, bad], "attendance.csv, line 8: the last line is cut short")


def test_quote_never_closed(db, tmp_path):
    path = write(
        tmp_path,
        "attendance.csv",
        with_line("attendance.csv", 5, 'A2,"2026-01-12,attended,group,180'),
    )
    refuse(db, [path], "attendance.csv, line 5: a quote is opened and never closed")


def test_utf16_text(db, tmp_path):
    path = write(tmp_path, "attendance.csv", appended("attendance.csv").encode("utf-16"))
    refuse(db, [path], "attendance.csv: is UTF-16 text: export it as UTF-8 or Latin-1")


def test_workbook_with_a_csv_name(db, tmp_path):
    path = write(tmp_path, "attendance.csv", b"PK\x03\x04" + b"\x00" * 64)
    refuse(db, [path], "attendance.csv: is an Excel workbook or a zip file, not CSV text")


def test_binary_file(db, tmp_path):
    path = write(tmp_path, "attendance.csv", b"client_id\x00\x01\x02")
    refuse(db, [path], "attendance.csv: is not a text file")


def test_old_excel_format(db, tmp_path):
    path = write(tmp_path, "attendance.xls", b"\xd0\xcf\x11\xe0")
    refuse(db, [path], "attendance.xls: old Excel format (.xls): save it as .xlsx or CSV")


def test_truncated_parquet(db, tmp_path):
    path = tmp_path / "attendance.parquet"
    pq.write_table(
        pa.table({"client_id": ["A1"], "session_date": ["2026-01-05"], "status": ["attended"]}),
        path,
    )
    path.write_bytes(path.read_bytes()[:-20])
    refuse(db, [path], "attendance.parquet: cannot be read as Parquet")


def test_damaged_workbook(db, tmp_path):
    path = write(tmp_path, "attendance.xlsx", b"PK\x03\x04 not really a workbook")
    refuse(db, [path], "attendance.xlsx: cannot be read as an Excel workbook")


def test_unknown_table(db, tmp_path):
    path = write(tmp_path, "export.csv", "id,when,what\n1,2,3\n")
    refuse(db, [path], "export.csv: cannot tell which table this file holds")


def test_missing_file(db, tmp_path):
    refuse(db, [tmp_path / "nowhere.csv"], "nowhere.csv: file or folder not found")


def test_two_files_for_one_table(db, tmp_path):
    folder = write_base(tmp_path / "in", only=("admissions.csv",))
    pq.write_table(pa.table({"client_id": ["A1"]}), folder / "admissions.parquet")
    refuse(db, [folder], "admissions.parquet: two files for table admissions: keep one")


def test_latin1_bytes_declared_utf8(db, tmp_path):
    profile = write(tmp_path, "utf8.toml", 'encoding = "utf-8"\n')
    text = with_line(
        "admissions.csv", 3, BASE["admissions.csv"][2].replace("Counselor 02", "Counselor Peña")
    )
    path = write(tmp_path, "admissions.csv", text.encode("latin-1"))
    refuse(
        db,
        [path],
        'admissions.csv, line 3: is not UTF-8 text: set encoding = "latin-1"',
        profile=profile,
    )


def test_most_lines_do_not_fit_the_header(db, tmp_path):
    # Three values of five on every line (a trailing delimiter alone would be read fine).
    rows = [f"A1,2026-01-{d:02d},attended" for d in range(1, 29)] * 4
    path = write(tmp_path, "attendance.csv", "\n".join([BASE["attendance.csv"][0], *rows]) + "\n")
    refuse(
        db,
        [path],
        "attendance.csv: 112 of 112 lines do not have the header's 5 values: check "
        "the delimiter and the header row",
    )


def test_old_mac_line_endings(db, tmp_path):
    path = write(tmp_path, "attendance.csv", "\r".join(BASE["attendance.csv"]) + "\r")
    refuse(db, [path], "attendance.csv: uses old Mac line endings (CR only)")


def test_refused_run_lists_every_file(db, tmp_path):
    good = write(tmp_path, "substance_use.csv", appended("substance_use.csv"))
    bad = write(tmp_path, "attendance.csv", "")
    result = ingest([good, bad], settings=settings(db), user="tester")
    assert [(f.file_name, f.outcome) for f in result.files] == [
        ("attendance.csv", "refused"),
        ("substance_use.csv", "not loaded"),
    ]
