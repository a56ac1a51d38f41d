"""The `outcomes` command: help lists the subcommands; build reports rows or a clear error."""

import shutil
import subprocess
import sys

import duckdb

from pipelines.cli import main

from .conftest import TINY


def test_help_lists_subcommands():
    out = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for command in ("build", "generate", "demo"):
        assert command in out


def test_build_prints_rows_and_publishes(tmp_path, capsys):
    db = tmp_path / "x.duckdb"
    assert main(["build", str(TINY), "--db", str(db), "--as-of", "2026-03-31"]) == 0
    out = capsys.readouterr().out
    assert "admissions" in out and "7 rows" in out and "data cut-off 2026-03-31" in out
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from marts.episodes").fetchone() == (7,)
    con.close()


def test_build_error_exits_2_with_file_line_column(tmp_path, capsys):
    folder = tmp_path / "in"
    shutil.copytree(TINY, folder)
    text = (
        (folder / "attendance.csv")
        .read_text()
        .replace("C1,2026-01-07,no_show", "C1,01/07/26,no_show")
    )
    (folder / "attendance.csv").write_text(text)
    assert main(["build", str(folder), "--db", str(tmp_path / "x.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "attendance.csv, line 3, column session_date: not a date (YYYY-MM-DD)" in err
