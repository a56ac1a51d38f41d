"""A large export (marked slow): two million sessions load with every line number right, the
counts balance, and the throughput against DuckDB's own read_csv is printed for the record."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import ingest

from .test_ingest_support import settings, write_base

pytestmark = pytest.mark.slow
N = 2_000_000


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "attendance.csv"
    con = duckdb.connect()
    con.execute(
        f"copy (select 'B' || (i // 5) as client_id, "
        f"strftime(date '2025-01-01' + (i % 5)::integer, '%Y-%m-%d') as session_date, "
        f"['attended', 'no_show'][i % 2 + 1] as status, "
        f"['group', 'individual', 'family', 'medication', 'other'][i % 5 + 1] as session_type, "
        f"60 as duration_minutes from range({N}) as t(i)) to '{path}' (header)"
    )
    con.close()
    return path


def test_two_million_sessions(big, tmp_path, capsys):
    db = tmp_path / "out.duckdb"
    ingest([write_base(tmp_path / "in", only=("admissions.csv",))], settings=settings(db))
    con = duckdb.connect(str(tmp_path / "bare.duckdb"))
    started = time.perf_counter()
    con.execute(f"create table bare as select * from read_csv('{big}', header = true)")
    con.execute("checkpoint")
    bare = time.perf_counter() - started
    con.close()
    result = ingest([big], settings=settings(db))
    f = result.files[0]
    # Clients B… have no admission: every row loads, with a warning.
    assert (f.n_read, f.n_loaded, f.n_skipped, f.n_quarantined, f.n_warned) == (N, N, 0, 0, N)
    con = duckdb.connect(str(db), read_only=True)
    wrong = con.execute(
        f"select count(*) from raw.attendance as r join (select row_number() over () + 1 as line, "
        f"* from read_csv('{big}', header = true, all_varchar = true)) as f on f.line = r._line "
        "where r.client_id <> f.client_id or r.session_date <> f.session_date "
        "or r.session_type <> f.session_type"
    ).fetchone()[0]
    con.close()
    assert wrong == 0
    with capsys.disabled():
        print(
            f"\n{N:,} rows: bare read_csv {bare:.1f} s, ingestion file stage {f.seconds:.1f} s "
            f"({bare / f.seconds:.2f}x), whole run {result.seconds:.1f} s"
        )
