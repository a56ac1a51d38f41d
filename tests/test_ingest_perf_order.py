"""The faster read keeps every promise: a CSV file is read on every core and its records are
numbered from rowids afterwards (pipelines/ingest/order.py), and the pass over its bytes runs in a
thread beside that read (file_bytes.background). Expected values are built into the files: each
client id is `L` + the line it was written on, so a row's line can be checked from its own text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from pipelines.contract import TABLES
from pipelines.ingest import ingest, order, reader, runner, store
from pipelines.ingest.file_bytes import CHUNK
from pipelines.ingest.loader import finish, load_file
from pipelines.ingest.profile import load_profile
from pipelines.ingest.runner import prepare

from .test_ingest_support import AS_OF, settings

HEADER = "client_id,session_date,status,session_type,duration_minutes"
N_LINES = 400_001  # header + 400,000 records: about 15 MB, read by DuckDB in several pieces
TOO_MANY = {1_000, 123_457, 399_999}  # lines with six values: rejected by the CSV reader
BAD_STATUS = {2, 77_777, 250_001, 400_001}  # status 'came': quarantined by a check


def _line(n: int) -> str:
    if n in TOO_MANY:
        return f"L{n},2026-01-05,attended,group,60,extra"
    status = "came" if n in BAD_STATUS else "attended"
    return f"L{n},2026-01-{n % 28 + 1:02d},{status},group,{n % 700 + 1}"


@pytest.fixture(scope="module")
def numbered(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("order") / "attendance.csv"
    path.write_text("\n".join([HEADER, *(_line(n) for n in range(2, N_LINES + 1))]) + "\n")
    return path


def _load(path: Path, db: Path) -> tuple:
    """One file into a file database, the way a run loads it; (result, rows with a wrong line,
    rows, quarantined lines)."""
    sources, _ = prepare([path], load_profile(None))
    con = runner._connect(db)
    try:
        store.create_schema(con)
        result = load_file(con, sources[0], run_id=1, cutoff=AS_OF)
        finish(con)
        wrong, rows = con.execute(
            "select count(*) filter (_line <> substr(client_id, 2)::bigint), count(*) "
            "from raw.attendance"
        ).fetchone()
        quarantined = con.execute("select line from ingest.quarantine order by line").fetchall()
        return result, wrong, rows, [q[0] for q in quarantined]
    finally:
        con.close()


def _expect(result, wrong, rows, quarantined) -> None:
    n_records = N_LINES - 1
    n_good = n_records - len(TOO_MANY) - len(BAD_STATUS)
    assert (result.n_read, result.n_loaded, result.n_quarantined) == (
        n_records,
        n_good,
        len(TOO_MANY) + len(BAD_STATUS),
    )
    assert (wrong, rows) == (0, n_good)
    assert quarantined == sorted(TOO_MANY | BAD_STATUS)


def test_parallel_read_numbers_every_line(numbered, tmp_path, monkeypatch):
    numbered_from_rowids = []
    number_batch = order.number_batch
    monkeypatch.setattr(
        order, "number_batch", lambda *a: numbered_from_rowids.append(a) or number_batch(*a)
    )
    _expect(*_load(numbered, tmp_path / "out.duckdb"))
    assert len(numbered_from_rowids) == 1  # the parallel read was used, not row_number()


def test_fallback_to_row_number_gives_the_same_lines(numbered, tmp_path, monkeypatch):
    monkeypatch.setattr(order, "keeps_order", lambda con, sql, params: False)
    _expect(*_load(numbered, tmp_path / "out.duckdb"))


def test_plan_check_sees_what_breaks_file_order(tmp_path):
    csv = tmp_path / "x.csv"
    csv.write_text("x\n" + "\n".join(str(i) for i in range(100)) + "\n")
    con = duckdb.connect()
    con.execute("create table t (x integer, ok boolean)")
    read = f"read_csv('{csv}', header = true, columns = {{'x': 'INTEGER'}})"
    assert order.keeps_order(con, f"insert into t select x, x > 3 from {read}", {})
    joined = f"insert into t select a.x, true from {read} as a join range(5) as b on a.x = b.range"
    assert not order.keeps_order(con, joined, {})
    # Five values or more in an IN list become a join, unless that rewrite is off.
    listed = f"insert into t select x, x in (1, 2, 3, 4, 5, 6) from {read}"
    assert not order.keeps_order(con, listed, {})
    with order._no_in_clause_join(con):
        assert order.keeps_order(con, listed, {})
    assert con.execute("select current_setting('disabled_optimizers')").fetchone()[0] == ""


def test_checks_of_every_table_plan_in_file_order(tmp_path, monkeypatch):
    # Each contract table's checks, as the reader builds them, keep the parallel read ordered.
    plans: list[bool] = []
    keeps = order.keeps_order
    monkeypatch.setattr(
        order, "keeps_order", lambda con, sql, params: plans.append(keeps(con, sql, params)) or True
    )
    con = runner._connect(tmp_path / "plan.duckdb")
    try:
        store.create_schema(con)
        for name, table in TABLES.items():
            csv = tmp_path / f"{name}.csv"
            csv.write_text(",".join(table.column_names) + "\n")
            source = prepare([csv], load_profile(None))[0][0]
            load_file(con, source, run_id=1, cutoff=AS_OF)
    finally:
        con.close()
    assert plans == [True] * len(TABLES)


def test_latin1_after_the_first_chunk_is_read_again(tmp_path, monkeypatch):
    # The first 8 MB are plain ASCII (so the header is read as UTF-8); the last line has a
    # Latin-1 byte. The pass over the bytes runs beside the read and settles on Latin-1.
    rows = [f"C{n},2026-01-05,attended,group,60" for n in range(CHUNK // 30)]
    path = tmp_path / "attendance.csv"
    last = "Zé9,2026-01-06,attended,group,60\n".encode("latin-1")
    data = ("\n".join([HEADER, *rows]) + "\n").encode() + last
    assert len(data) > CHUNK
    path.write_bytes(data)
    again = []
    read_again = reader._again
    monkeypatch.setattr(reader, "_again", lambda *a: again.append(1) or read_again(*a))
    db = tmp_path / "out.duckdb"
    result = ingest([path], settings=settings(db))
    assert again == [1]  # read as UTF-8 beside the pass over the bytes, then as Latin-1
    f = result.files[0]
    assert (result.outcome, f.encoding, f.n_read, f.n_loaded) == (
        "published",
        "latin-1",
        len(rows) + 1,
        len(rows) + 1,
    )
    assert (f.sha256, f.size_bytes) == (hashlib.sha256(data).hexdigest(), len(data))
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = con.execute(
            "select client_id, _line from raw.attendance where _line = ?", [len(rows) + 2]
        ).fetchall()
    finally:
        con.close()
    assert got == [("Zé9", len(rows) + 2)]


def test_late_non_utf8_byte_is_refused_with_its_line(tmp_path):
    rows = [f"C{n},2026-01-05,attended,group,60" for n in range(CHUNK // 30)]
    bad_line = len(rows) + 2
    path = tmp_path / "attendance.csv"
    path.write_bytes(
        ("\n".join([HEADER, *rows]) + "\n").encode()
        + "Zé9,2026-01-06,attended,group,60\n".encode("latin-1")
    )
    profile = tmp_path / "utf8.toml"
    profile.write_text('encoding = "utf-8"\n')
    result = ingest([path], settings=settings(tmp_path / "out.duckdb"), profile=profile)
    assert result.outcome == "refused"
    assert result.message.endswith(
        f'attendance.csv, line {bad_line}: is not UTF-8 text: set encoding = "latin-1" '
        'in the source profile (or "auto")'
    )


def test_same_size_other_bytes_is_loaded_and_same_bytes_skipped(tmp_path):
    first = tmp_path / "a" / "attendance.csv"
    second = tmp_path / "b" / "attendance.csv"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text(f"{HEADER}\nL2,2026-01-05,attended,group,60\n")
    second.write_text(f"{HEADER}\nL2,2026-01-06,attended,group,60\n")  # same size, other day
    db = tmp_path / "out.duckdb"
    assert ingest([first], settings=settings(db)).files[0].n_loaded == 1
    again = ingest([second], settings=settings(db)).files[0]
    assert (again.outcome, again.n_inserted) == ("loaded", 1)
    same = ingest([first], settings=settings(db))
    assert (same.outcome, same.files[0].outcome) == ("no change", "already loaded")
