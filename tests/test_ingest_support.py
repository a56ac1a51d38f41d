"""Shared by the ingestion tests: a small hand-made export whose every line is known, and a
one-file load into an in-memory database (the loader the runner uses, without the marts).

The export (data cut-off 2026-03-31):
- admissions: A1 (2026-01-05, completed 2026-02-20), A2 (2026-01-12, active), A3 (2026-02-02,
  dropped out 2026-02-27).
- attendance: 7 sessions, lines 2-8; substance_use and abstinence: one row per client, lines 2-4;
  followups: A1 30d completed 2026-03-25 (line 2), A3 30d unreachable (line 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from pipelines.ingest import store
from pipelines.ingest.loader import FileResult, finish, load_file
from pipelines.ingest.profile import SourceProfile, load_profile
from pipelines.ingest.runner import prepare
from pipelines.settings import Settings

AS_OF = date(2026, 3, 31)
ADMISSIONS_HEADER = (
    "client_id,admission_date,track,site,level_of_care,discharge_date,discharge_reason,"
    "medication,primary_substance,sex,age_at_admission,race_ethnicity,referral_source,counselor"
)
BASE = {
    "admissions.csv": [
        ADMISSIONS_HEADER,
        "A1,2026-01-05,Morning,north,iop,2026-02-20,completed,none,alcohol,female,34,White,self,"
        "Counselor 01",
        "A2,2026-01-12,Evening,south,iop,,,methadone,opioids,male,45,Hispanic,court,Counselor 02",
        "A3,2026-02-02,Morning,north,php,2026-02-27,dropped_out,none,stimulants,female,29,Black,"
        "family,Counselor 01",
    ],
    "attendance.csv": [
        "client_id,session_date,status,session_type,duration_minutes",
        "A1,2026-01-05,attended,group,180",
        "A1,2026-01-07,no_show,group,180",
        "A1,2026-01-14,attended,individual,60",
        "A2,2026-01-12,attended,group,180",
        "A2,2026-01-19,excused,group,180",
        "A3,2026-02-02,attended,group,180",
        "A3,2026-02-09,attended,group,120",
    ],
    "substance_use.csv": [
        "client_id,test_date,method,substance,result",
        "A1,2026-01-05,breath,alcohol,negative",
        "A2,2026-01-12,uds,methadone,positive",
        "A3,2026-02-02,uds,cocaine,positive",
    ],
    "abstinence.csv": [
        "client_id,assessment_date,window_days,days_abstinent,timepoint,substance",
        "A1,2026-01-05,30,10,intake,any",
        "A2,2026-01-12,30,5,intake,any",
        "A3,2026-02-02,30,12,intake,any",
    ],
    "followups.csv": [
        "client_id,timepoint,due_date,status,contact_date,days_abstinent_30,"
        "employed_or_in_school,stable_housing,arrested_30d",
        "A1,30d,2026-03-22,completed,2026-03-25,30,true,true,false",
        "A3,30d,2026-03-29,unreachable,,,,,",
    ],
}
ROWS = {name: len(lines) - 1 for name, lines in BASE.items()}


def write_base(folder: Path, *, only: tuple[str, ...] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in BASE.items():
        if only is None or name in only:
            (folder / name).write_text("\n".join(lines) + "\n")
    return folder


def with_line(name: str, line: int, text: str) -> str:
    """The base file `name` with line `line` (header = 1) replaced by `text`."""
    lines = list(BASE[name])
    lines[line - 1] = text
    return "\n".join(lines) + "\n"


def appended(name: str, *texts: str) -> str:
    return "\n".join([*BASE[name], *texts]) + "\n"


def settings(db: Path, as_of: date | None = AS_OF) -> Settings:
    return Settings(db_path=db, as_of=as_of)


@dataclass
class Loaded:
    result: FileResult
    quarantine: list[dict]
    warnings: list[dict]
    raw: list[tuple]


def load_one(
    path: Path, *, profile: str | Path | SourceProfile | None = None, cutoff: date = AS_OF
) -> Loaded:
    """Load one file the way a run does, into a fresh in-memory database."""
    prof = profile if isinstance(profile, SourceProfile) else load_profile(profile)
    con = duckdb.connect()
    try:
        store.create_schema(con)
        sources, _ = prepare([path], prof)
        result = load_file(con, sources[0], run_id=1, cutoff=cutoff)
        finish(con)
        return Loaded(
            result,
            _dicts(con, "select * exclude (run_id) from ingest.quarantine order by line"),
            _dicts(con, "select * exclude (run_id) from ingest.warnings order by line"),
            con.execute(
                f"select * exclude (_run_id) from raw.{result.table_name} order by _line"
            ).fetchall(),
        )
    finally:
        con.close()


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def counts(result: FileResult) -> tuple[int, int, int, int]:
    """(read, loaded, skipped, quarantined), which must balance."""
    read, loaded = result.n_read, result.n_loaded
    skipped, quarantined = result.n_skipped, result.n_quarantined
    assert read == loaded + skipped + quarantined
    return read, loaded, skipped, quarantined


def test_base_export_loads_cleanly(tmp_path):
    folder = write_base(tmp_path / "in")
    for name, n in ROWS.items():
        got = load_one(folder / name)
        assert counts(got.result) == (n, n, 0, 0), name
        assert got.quarantine == [] and got.warnings == []
        assert [row[-1] for row in got.raw] == list(range(2, n + 2))  # _line = header + k
