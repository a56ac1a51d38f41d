"""The strict loader stops on a contract violation, naming file, line and column, and a failed
build leaves the published database untouched."""

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.build import build
from pipelines.load import ContractError
from pipelines.settings import Settings

from .conftest import TINY


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "in"
    shutil.copytree(TINY, target)
    return target


def replace_line(path: Path, line: int, text: str) -> None:
    lines = path.read_text().splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n")


def settings(tmp_path: Path) -> Settings:
    return Settings(db_path=tmp_path / "out.duckdb", as_of=date(2026, 3, 31))


@pytest.mark.parametrize(
    ("file", "line", "text", "column", "words"),
    [
        (
            "admissions.csv",
            3,
            "C2,2026-13-12,Morning,north,iop,2026-02-06,dropped_out,"
            "buprenorphine,opioids,male,28,Black,court,Counselor 01",
            "admission_date",
            "not a date",
        ),
        (
            "admissions.csv",
            4,
            "C3,2026-01-20,Evening,south,iop,,,methadone,opioids,male,forty,"
            "Hispanic,physician,Counselor 02",
            "age_at_admission",
            "not a whole number",
        ),
        (
            "admissions.csv",
            2,
            "C1,2026-01-05,Morning,north,iop,2026-01-01,completed,none,"
            "alcohol,female,34,White,self,Counselor 01",
            "discharge_date",
            "before admission_date",
        ),
        (
            "admissions.csv",
            2,
            "C1,2026-01-05,Morning,north,iop,2026-03-13,AMA,none,"
            "alcohol,female,34,White,self,Counselor 01",
            "discharge_reason",
            "not one of",
        ),
        (
            "admissions.csv",
            2,
            "C1,2026-01-05,Morning,north,iop,2026-03-13,,none,"
            "alcohol,female,34,White,self,Counselor 01",
            "discharge_reason",
            "required when",
        ),
        ("attendance.csv", 5, "C1,2026-03-13,came,group,180", "status", "not one of"),
        ("attendance.csv", 3, ",2026-01-07,no_show,group,180", "client_id", "is required"),
        (
            "abstinence.csv",
            3,
            "C1,2026-03-13,30,45,discharge,any",
            "days_abstinent",
            "larger than window_days",
        ),
        (
            "followups.csv",
            3,
            "C5,30d,2026-01-18,completed,,30,true,true,false",
            "contact_date",
            "required when status is completed",
        ),
        (
            "followups.csv",
            3,
            "C5,30d,2026-01-18,completed,2026-01-20,30,maybe,true,false",
            "employed_or_in_school",
            "not true or false",
        ),
    ],
)
def test_violation_names_file_line_column(folder, tmp_path, file, line, text, column, words):
    replace_line(folder / file, line, text)
    with pytest.raises(ContractError) as err:
        build(folder, settings(tmp_path))
    e = err.value
    assert (Path(e.file).name, e.line, e.column) == (file, line, column)
    assert words in str(e)
    assert f"{file}, line {line}, column {column}" in str(e)


def test_missing_required_column(folder, tmp_path):
    path = folder / "attendance.csv"
    path.write_text(path.read_text().replace("status,", "state,", 1))
    with pytest.raises(ContractError, match=r"attendance.csv, line 1, column status"):
        build(folder, settings(tmp_path))


def test_duplicate_key_names_second_row(folder, tmp_path):
    path = folder / "attendance.csv"
    appended = len(path.read_text().splitlines()) + 1
    with path.open("a") as f:
        f.write("C1,2026-01-05,no_show,group,180\n")  # line 2 has C1 2026-01-05 group attended
    with pytest.raises(ContractError) as err:
        build(folder, settings(tmp_path))
    assert (err.value.line, err.value.column) == (appended, "status")
    assert "same key (client_id, session_date, session_type) as line 2" in str(err.value)


def test_missing_admissions_file(folder, tmp_path):
    (folder / "admissions.csv").unlink()
    with pytest.raises(ContractError, match="admissions.csv: required file is missing"):
        build(folder, settings(tmp_path))


def test_ragged_line_names_file_line_column(folder, tmp_path):
    path = folder / "substance_use.csv"
    appended = len(path.read_text().splitlines()) + 1
    with path.open("a") as f:
        f.write("C1,2026-01-20,uds\n")
    with pytest.raises(ContractError) as err:
        build(folder, settings(tmp_path))
    # Three values for five columns: the first one missing is substance.
    assert (err.value.line, err.value.column) == (appended, "substance")
    assert "fewer values than the header (3 of 5)" in str(err.value)


def test_failed_build_leaves_published_database_untouched(folder, tmp_path):
    s = settings(tmp_path)
    build(folder, s)
    before = s.db_path.read_bytes()
    replace_line(folder / "attendance.csv", 5, "C1,2026-03-13,came,group,180")
    with pytest.raises(ContractError):
        build(folder, s)
    assert s.db_path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "building" in p.name] == []
    con = duckdb.connect(str(s.db_path), read_only=True)
    assert con.execute("select count(*) from marts.episodes").fetchone() == (7,)
    con.close()
