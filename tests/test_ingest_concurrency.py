"""A load never disturbs readers and never leaves a half-written database: other processes read
the published file throughout, a load that fails or is killed half way leaves it untouched,
and no partial files remain."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import pipelines.build
from pipelines.build import build
from pipelines.db import WriterBusy, writer_lock
from pipelines.ingest import ingest
from pipelines.ingest.runner import run

from .test_ingest_support import BASE, settings, write_base

REPO = Path(__file__).resolve().parents[1]
READER = """
import json, sys, time
from pathlib import Path
from pipelines.db import PublishedDatabase
db, ready, stop = PublishedDatabase(Path(sys.argv[1])), Path(sys.argv[2]), Path(sys.argv[3])
seen = []
while not stop.exists():
    try:
        seen.append(db.cursor().execute("select count(*) from raw.attendance").fetchone()[0])
    except Exception as exc:
        seen.append(f"{type(exc).__name__}: {exc}")
    ready.touch()
    time.sleep(0.01)
print(json.dumps(seen))
"""


def big_attendance(path: Path, n: int) -> Path:
    """`n` sessions of clients with no admission (loaded, flagged): a load that takes a moment."""
    con = duckdb.connect()
    con.execute(
        f"copy (select 'B' || i as client_id, '2026-01-05' as session_date, 'attended' as status,"
        f" 'group' as session_type, 60 as duration_minutes from range({n}) as t(i)) "
        f"to '{path}' (header)"
    )
    con.close()
    return path


def work_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".building-" in p.name)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    db = folder / "base.duckdb"
    build(write_base(folder / "in"), settings(db))
    return db


@pytest.fixture()
def published(base_db, tmp_path) -> Path:
    db = tmp_path / "pub.duckdb"
    shutil.copyfile(base_db, db)
    write_base(tmp_path / "in")
    return db


def test_readers_in_another_process_see_old_then_new(published, tmp_path):
    ready, stop = tmp_path / "ready", tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published), str(ready), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        result = ingest(
            [big_attendance(tmp_path / "attendance.csv", 20_000)], settings=settings(published)
        )
        assert result.outcome == "published"
        time.sleep(0.5)  # let the reader notice the new file
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    seen = json.loads(out)
    old, new = len(BASE["attendance.csv"]) - 1, len(BASE["attendance.csv"]) - 1 + 20_000
    assert set(seen) == {old, new}  # every query answered, from one whole database or the other
    assert seen[0] == old and seen[-1] == new
    assert seen == sorted(seen)  # never back to the old data


def test_failure_inside_the_runner_leaves_everything_as_it_was(published, monkeypatch):
    before = published.read_bytes()

    def boom(con):
        raise RuntimeError("the marts could not be built")

    monkeypatch.setattr(pipelines.build, "run_models", boom)
    path = published.parent / "in" / "attendance.csv"
    path.write_text(path.read_text() + "A2,2026-01-26,attended,group,180\n")
    with pytest.raises(RuntimeError, match="could not be built"):
        ingest([path], settings=settings(published))
    assert published.read_bytes() == before
    assert work_files(published.parent) == []


def _kill_mid_load(published: Path, tmp_path: Path, sig: int) -> subprocess.Popen:
    big = big_attendance(tmp_path / "attendance.csv", 100_000)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "ingest",
            str(big),
            "--db",
            str(published),
            "--as-of",
            "2026-03-31",
            "--quiet",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not work_files(published.parent) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert work_files(published.parent), "the load never started"
    os.kill(proc.pid, sig)
    proc.wait(timeout=120)
    return proc


def test_killed_load_leaves_the_published_database_untouched(published, tmp_path):
    before = published.read_bytes()
    proc = _kill_mid_load(published, tmp_path, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert published.read_bytes() == before
    # A killed process cannot tidy up; the next load removes what it left.
    result = ingest(
        [write_base(tmp_path / "again", only=("abstinence.csv",)) / "abstinence.csv"],
        settings=settings(published),
    )
    assert result.outcome == "no change"
    assert work_files(published.parent) == []


def test_terminated_load_cleans_up_after_itself(published, tmp_path):
    before = published.read_bytes()
    proc = _kill_mid_load(published, tmp_path, signal.SIGTERM)
    assert proc.returncode != 0
    assert published.read_bytes() == before
    assert work_files(published.parent) == []


def test_one_writer_at_a_time(published, tmp_path):
    with writer_lock(published), pytest.raises(WriterBusy, match="still running"):
        run([published.parent / "in"], settings=settings(published), lock_timeout=0.3)
