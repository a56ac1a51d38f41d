"""Runs: loading the same export twice changes nothing, a newer export upserts by key, every run
is audited, and rows that refer to no episode are loaded with a warning."""

from __future__ import annotations

import csv
import hashlib
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.build import build
from pipelines.ingest import ingest
from pipelines.ingest.quarantine import export_csv

from .test_ingest_support import AS_OF, BASE, appended, settings, with_line, write_base


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_same_export_twice_is_a_no_op(tmp_path):
    folder = write_base(tmp_path / "in")
    db = tmp_path / "out.duckdb"
    first = ingest([folder], settings=settings(db), user="tester")
    assert first.outcome == "published" and first.run_id == 1
    before = query(db, "select * from raw.attendance order by _line")
    second = ingest([folder], settings=settings(db), user="tester")
    assert (second.outcome, second.run_id) == ("no change", 2)
    assert {f.outcome for f in second.files} == {"already loaded"}
    assert second.files[0].message.startswith("already loaded in run 1 (")
    assert query(db, "select * from raw.attendance order by _line") == before
    assert query(db, "select run_id, outcome, n_read, n_loaded from ingest.runs order by 1") == [
        (1, "published", 18, 18),
        (2, "no change", 0, 0),
    ]


def test_newer_export_upserts_by_key(tmp_path):
    folder = write_base(tmp_path / "in")
    db = tmp_path / "out.duckdb"
    ingest([folder], settings=settings(db))
    newer = tmp_path / "newer" / "attendance.csv"
    newer.parent.mkdir()
    lines = list(BASE["attendance.csv"])
    lines[5] = "A2,2026-01-19,attended,group,180"  # was excused: the same key, changed
    del lines[3]  # A1 2026-01-14 left out of the newer export
    lines.append("A3,2026-02-16,no_show,group,180")  # new
    newer.write_text("\n".join(lines) + "\n")
    result = ingest([newer], settings=settings(db))
    f = result.files[0]
    assert (f.n_read, f.n_inserted, f.n_updated, f.n_unchanged, f.n_quarantined) == (7, 1, 1, 5, 0)
    rows = query(
        db,
        "select client_id, session_date, status, _run_id, _line from raw.attendance "
        "order by client_id, session_date",
    )
    assert rows == [
        ("A1", "2026-01-05", "attended", 1, 2),
        ("A1", "2026-01-07", "no_show", 1, 3),
        ("A1", "2026-01-14", "attended", 1, 4),  # kept: an upsert never deletes
        ("A2", "2026-01-12", "attended", 1, 5),
        ("A2", "2026-01-19", "attended", 2, 5),  # the newer value, traced to the newer file
        ("A3", "2026-02-02", "attended", 1, 7),
        ("A3", "2026-02-09", "attended", 1, 8),
        ("A3", "2026-02-16", "no_show", 2, 8),
    ]
    assert query(db, "select count(*) from marts.sessions where status = 'excused'") == [(0,)]


def test_audit_records_who_what_and_the_hashes(tmp_path):
    folder = write_base(tmp_path / "in")
    db = tmp_path / "out.duckdb"
    bad = folder / "attendance.csv"
    bad.write_text(with_line("attendance.csv", 4, "A1,2026-01-14,attended,individual,sixty"))
    ingest([folder], settings=settings(db), user="dana@program.org")
    run = query(
        db,
        "select run_id, kind, user_name, profile, outcome, n_files, n_read, n_loaded, "
        "n_skipped, n_quarantined, n_warned, as_of, seconds > 0 from ingest.runs",
    )
    assert run == [
        (1, "ingest", "dana@program.org", "contract", "published", 5, 18, 17, 0, 1, 0, AS_OF, True)
    ]
    files = query(
        db,
        "select file_name, table_name, format, sha256, size_bytes, encoding, "
        "delimiter, outcome, n_read, n_inserted, n_quarantined from ingest.files "
        "where table_name = 'attendance'",
    )
    assert files == [
        (
            "attendance.csv",
            "attendance",
            "csv",
            hashlib.sha256(bad.read_bytes()).hexdigest(),
            bad.stat().st_size,
            "utf-8",
            ",",
            "loaded",
            7,
            6,
            1,
        )
    ]


def test_build_is_strict_and_audited(tmp_path):
    folder = write_base(tmp_path / "in")
    db = tmp_path / "out.duckdb"
    build(folder, settings(db))
    assert query(db, "select kind, outcome, n_loaded from ingest.runs") == [
        ("build", "published", 18)
    ]
    again = ingest([folder], settings=settings(db))
    assert again.outcome == "no change"  # the build's files are known by their hashes


def test_cut_off_defaults_to_today(tmp_path):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    path = tmp_path / "in" / "attendance.csv"
    path.parent.mkdir()
    path.write_text(appended("attendance.csv", f"A2,{tomorrow},attended,group,180"))
    result = ingest([path], settings=settings(tmp_path / "out.duckdb", as_of=None))
    f = result.files[0]
    assert (f.n_read, f.n_loaded, f.n_quarantined) == (8, 7, 1)
    assert f.reasons[f"session_date: after the data cut-off {date.today()}"] == 1


def test_two_files_of_one_table_in_one_run(tmp_path):
    a = tmp_path / "a" / "attendance_jan.csv"
    b = tmp_path / "b" / "attendance_feb.csv"
    for p in (a, b):
        p.parent.mkdir()
    a.write_text(appended("attendance.csv"))
    b.write_text(
        "\n".join(
            [
                BASE["attendance.csv"][0],
                "A3,2026-02-09,no_show,group,120",
                "A3,2026-02-23,attended,group,120",
            ]
        )
        + "\n"
    )
    profile = tmp_path / "p.toml"
    profile.write_text('[tables.attendance]\nfile = "attendance_*.csv"\n')
    result = ingest([a, b], settings=settings(tmp_path / "out.duckdb"), profile=profile)
    assert [(f.file_name, f.n_inserted, f.n_updated) for f in result.files] == [
        ("attendance_jan.csv", 7, 0),
        ("attendance_feb.csv", 1, 1),
    ]
    assert query(
        tmp_path / "out.duckdb",
        "select status, _file from raw.attendance where session_date = '2026-02-09'",
    ) == [("no_show", "attendance_feb.csv")]


@pytest.fixture(scope="module")
def flagged(tmp_path_factory) -> Path:
    """One run over an export with three rows that refer to no proper episode."""
    folder = write_base(tmp_path_factory.mktemp("flags") / "in")
    (folder / "attendance.csv").write_text(
        appended(
            "attendance.csv",
            "Z9,2026-01-20,attended,group,180",  # line 9: no admission of Z9 anywhere
            "A1,2026-03-02,attended,group,180",  # line 10: after A1's discharge on 2026-02-20
        )
    )
    (folder / "followups.csv").write_text(
        with_line("followups.csv", 3, "A3,30d,2026-03-29,completed,2026-02-20,30,true,true,false")
    )  # contacted a week before the discharge on 2026-02-27 it follows
    db = folder.parent / "out.duckdb"
    result = ingest([folder], settings=settings(db))
    assert result.outcome == "published"
    return db


def test_client_without_admission_is_loaded_and_flagged(flagged):
    assert query(
        flagged,
        "select table_name, line, column_name, client_id, check_name, reason, "
        "action from ingest.warnings where check_name = 'unknown_client'",
    ) == [
        (
            "attendance",
            9,
            "client_id",
            "Z9",
            "unknown_client",
            "no admission of client Z9 in the data: kept, listed as an orphan row",
            "loaded",
        )
    ]
    assert query(flagged, "select count(*) from raw.attendance where client_id = 'Z9'") == [(1,)]


def test_row_outside_every_episode_is_loaded_and_flagged(flagged):
    assert query(
        flagged,
        "select line, column_name, reason from ingest.warnings "
        "where check_name = 'outside_episode'",
    ) == [
        (
            10,
            "session_date",
            "outside every episode of client A1 (after the end of the client's "
            "episode and before any new admission): kept, listed as an orphan row",
        )
    ]
    assert query(flagged, "select client_id, _line from marts.orphan_rows order by _line") == [
        ("Z9", 9),
        ("A1", 10),
    ]


def test_follow_up_contact_before_discharge_is_flagged(flagged):
    assert query(
        flagged,
        "select table_name, line, column_name, reason from ingest.warnings "
        "where check_name = 'contact_before_discharge'",
    ) == [
        (
            "followups",
            3,
            "contact_date",
            "contact_date 2026-02-20 is before the discharge on "
            "2026-02-27 that this follow-up comes after",
        )
    ]
    assert query(flagged, "select n_warned from ingest.runs") == [(3,)]


def test_quarantine_export_neutralizes_formulas(tmp_path):
    path = tmp_path / "in" / "attendance.csv"
    path.parent.mkdir()
    path.write_text(
        appended(
            "attendance.csv",
            '=HYPERLINK("http://x"),2026-01-20,came,group,180',
            "A2,2026-01-21,+1,group,180",
        )
    )
    db = tmp_path / "out.duckdb"
    ingest([path], settings=settings(db))
    out = tmp_path / "q.csv"
    con = duckdb.connect(str(db), read_only=True)
    assert export_csv(con, out) == 2
    con.close()
    rows = list(csv.DictReader(out.open()))
    assert [(r["line"], r["column_name"], r["value"], r["raw_line"]) for r in rows] == [
        ("9", "status", "came", '\'=HYPERLINK("http://x"),2026-01-20,came,group,180'),
        ("10", "status", "'+1", "A2,2026-01-21,+1,group,180"),
    ]


def test_a_folder_without_exports_changes_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.txt").write_text("nothing to load\n")
    result = ingest([folder], settings=settings(tmp_path / "out.duckdb"))
    assert (result.outcome, result.message) == (
        "no change",
        "no file of a contract table was found: nothing changed",
    )
    assert result.ignored == [folder / "notes.txt"]
