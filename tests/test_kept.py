"""Results kept per published connection (pipelines.db.kept): computed once per key on a
published database, never kept on other connections, and never seen across a new build."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines import db as dbmod
from pipelines.build import build
from pipelines.db import PublishedDatabase, forget_kept, kept
from pipelines.patterns import episodes
from pipelines.patterns.episodes import counted_word_matrix, counted_words
from pipelines.settings import Settings

from .conftest import TINY


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_kept_once_per_key_on_a_published_connection(tiny_db: Path) -> None:
    con = PublishedDatabase(tiny_db).connection()
    count = Counter()
    assert [kept(con, "a", count) for _ in range(3)] == [1, 1, 1]
    assert kept(con, "b", count) == 2
    forget_kept(con)
    assert kept(con, "a", count) == 3


def test_kept_drops_the_oldest_key(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dbmod, "KEEP_PER_CONNECTION", 2)
    con = PublishedDatabase(tiny_db).connection()
    count = Counter()
    kept(con, "a", count), kept(con, "b", count), kept(con, "a", count)  # a is newest again
    kept(con, "c", count)  # drops b
    assert count.calls == 3
    assert kept(con, "a", count) == 1 and kept(con, "b", count) == 4


def test_nothing_kept_on_other_connections(tiny_db: Path) -> None:
    count = Counter()
    with duckdb.connect(str(tiny_db), read_only=True) as con:
        assert [kept(con, "a", count) for _ in range(3)] == [1, 2, 3]


def test_counted_words_once_per_filter_and_never_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(db_path=tmp_path / "pub.duckdb", as_of=date(2026, 3, 31))
    build(TINY, settings)
    db = PublishedDatabase(settings.db_path)
    queries = []
    run_sql = episodes.run_sql
    monkeypatch.setattr(episodes, "run_sql", lambda *a: queries.append(a) or run_sql(*a))

    first = counted_words(db.connection(), group_by="track")
    first["n_episodes"] = 0  # a caller changing its copy changes nothing kept
    again = counted_words(db.connection(), group_by="track")
    assert len(queries) == 1
    assert again["n_episodes"].sum() == 7  # the tiny dataset's 7 episodes
    counted_words(db.connection(), group_by="site")
    assert len(queries) == 2
    words, matrix = counted_word_matrix(db.connection(), group_by="site")
    assert len(queries) == 2 and counted_word_matrix(db.connection(), group_by="site")[1] is matrix
    assert matrix.n_words == len(words)

    # A new build is a new file and so a new connection: its words are counted again.
    bigger = tmp_path / "bigger"
    shutil.copytree(TINY, bigger)
    with (bigger / "admissions.csv").open("a") as f:
        f.write(
            "C7,2026-03-20,Morning,north,iop,,,none,alcohol,female,40,White,self,Counselor 01\n"
        )
    build(bigger, settings)
    newer = counted_words(db.connection(), group_by="track")
    assert len(queries) == 3 and newer["n_episodes"].sum() == 8
    db.close()
