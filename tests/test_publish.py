"""Atomic publish: a reader keeps the old database during a build and sees the new one after."""

import shutil
from datetime import date
from pathlib import Path

from pipelines.build import build
from pipelines.db import PublishedDatabase
from pipelines.settings import Settings

from .conftest import TINY


def test_reader_follows_replacement(tmp_path: Path):
    s = Settings(db_path=tmp_path / "pub.duckdb", as_of=date(2026, 3, 31))
    build(TINY, s)
    db = PublishedDatabase(s.db_path)
    cur = db.cursor()
    assert cur.execute("select count(*) from marts.episodes").fetchone() == (7,)
    old_version = db.version

    bigger = tmp_path / "bigger"
    shutil.copytree(TINY, bigger)
    with (bigger / "admissions.csv").open("a") as f:
        f.write(
            "C7,2026-03-20,Morning,north,iop,,,none,alcohol,female,40,White,self,Counselor 01\n"
        )
    # The build writes while the reader holds its connection open: no lock conflict.
    build(bigger, s)
    assert cur.execute("select count(*) from marts.episodes").fetchone() == (7,)  # old file
    assert db.version != old_version
    assert db.cursor().execute("select count(*) from marts.episodes").fetchone() == (8,)
    db.close()
