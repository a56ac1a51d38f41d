"""`outcomes ingest` prints a summary per file and exits non-zero on a refused file;
`outcomes quarantine` lists or exports the rejected rows."""

from __future__ import annotations

import csv

from pipelines.cli import main

from .test_ingest_support import appended, with_line, write_base


def test_ingest_prints_the_summary(tmp_path, capsys):
    folder = write_base(tmp_path / "in")
    (folder / "attendance.csv").write_text(
        appended("attendance.csv", "A3,2026-02-09,attended,group,120", "A3,2026-02-16,came,group,1")
    )
    db = tmp_path / "out.duckdb"
    assert (
        main(
            [
                "ingest",
                str(folder),
                "--db",
                str(db),
                "--as-of",
                "2026-03-31",
                "--quiet",
                "--user",
                "dana",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == [
        "file",
        "table",
        "status",
        "read",
        "loaded",
        "skipped",
        "quarantined",
        "warned",
    ]
    assert lines[2].split() == ["attendance.csv", "attendance", "loaded", "9", "7", "1", "1", "0"]
    assert "  attendance.csv: 1 × status: not one of: attended, excused, no_show, cancelled" in out
    assert "  attendance.csv: 1 × exact duplicate row, skipped" in out
    assert f"published run 1 to {db} (data cut-off 2026-03-31)" in out


def test_ingest_exits_2_when_a_file_is_refused(tmp_path, capsys):
    path = tmp_path / "attendance.csv"
    path.write_text("")
    assert main(["ingest", str(path), "--db", str(tmp_path / "x.duckdb"), "--quiet"]) == 2
    out = capsys.readouterr().out
    assert f"refused (run (not recorded: no database yet)): {path}: is empty" in out
    assert "the published database was not changed" in out


def test_ingest_with_a_bad_profile_exits_2(tmp_path, capsys):
    profile = tmp_path / "p.toml"
    profile.write_text("delimeter = ';'\n")
    assert main(["ingest", str(tmp_path), "--profile", str(profile), "--quiet"]) == 2
    assert "p.toml: unknown key 'delimeter'" in capsys.readouterr().err


def test_quarantine_lists_and_exports(tmp_path, capsys):
    folder = write_base(tmp_path / "in")
    (folder / "attendance.csv").write_text(
        with_line("attendance.csv", 6, "A2,2026-01-19,excused,group,-30")
    )
    db = tmp_path / "out.duckdb"
    main(["ingest", str(folder), "--db", str(db), "--as-of", "2026-03-31", "--quiet"])
    capsys.readouterr()
    assert main(["quarantine", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "1 row rejected in run 1:",
        "  attendance.csv, line 6, column duration_minutes: below the minimum 1 (value: '-30')",
        "      A2,2026-01-19,excused,group,-30",
    ]
    target = tmp_path / "q.csv"
    assert main(["quarantine", "--db", str(db), "--run", "1", "--csv", str(target)]) == 0
    rows = list(csv.DictReader(target.open()))
    assert [(r["file_name"], r["line"], r["value"], r["raw_line"]) for r in rows] == [
        ("attendance.csv", "6", "'-30", "A2,2026-01-19,excused,group,-30")
    ]
    main(["ingest", str(folder), "--db", str(db), "--quiet"])  # run 2: nothing new
    capsys.readouterr()
    assert main(["quarantine", "--db", str(db), "--run", "2"]) == 0
    assert capsys.readouterr().out == "no rows were rejected in run 2\n"
    assert main(["quarantine", "--db", str(db), "--run", "3"]) == 2
    assert f"{db} has no run 3" in capsys.readouterr().err
