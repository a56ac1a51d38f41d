"""The background warm-up (dashboard.warmup): after it, the first run of every page of a role
makes no database query, and it fills only its own role's view. Counted, never timed."""

from __future__ import annotations

import os
import threading

import pytest

from dashboard import warmup
from dashboard.navigation import warmed
from pipelines import access
from tests import app_support
from tests.app_support import open_page

# Fixtures shared by the AppTests (caches cleared, downloads recorded, the generated sample).
fresh_caches = app_support.fresh_caches
record_downloads = app_support.record_downloads
sample_db = app_support.sample_db


@pytest.fixture()
def fetched(monkeypatch) -> list[tuple[str, str]]:
    """(role, table) of every query that reached the data layer (a cache miss)."""
    calls: list[tuple[str, str]] = []
    original = access.fetch

    def fetch(con, viewer, name, **kwargs):
        calls.append((viewer.role, name))
        return original(con, viewer, name, **kwargs)

    monkeypatch.setattr(access, "fetch", fetch)
    return calls


def _warm(db, role: str) -> None:
    os.environ["OUTCOMES_DB_PATH"] = str(db)
    assert warmup.warm(role, [f"app_pages/{page}.py" for page in warmed(role)]) == {}


@pytest.mark.parametrize("role", ["director", "researcher", "funder"])
def test_after_the_warm_up_no_page_queries_the_database(sample_db, fetched, role):
    _warm(sample_db, role)
    assert fetched and {r for r, _ in fetched} == {role}
    fetched.clear()
    for page in warmed(role):
        at = open_page(sample_db, page, role=role)
        assert not at.exception, page
        assert fetched == [], f"{page} still queried {fetched}"


def test_a_warm_up_fills_no_other_role_s_view(sample_db, fetched):
    _warm(sample_db, "director")
    fetched.clear()
    at = open_page(sample_db, "overview", role="funder")
    assert not at.exception
    # The funder's run found nothing of the director's: it fetched its own, suppressed tables.
    assert fetched and {r for r, _ in fetched} == {"funder"}


def test_a_session_s_second_run_warms_the_pages_after_the_current_one(sample_db, monkeypatch):
    started: list[list[str]] = []
    monkeypatch.setattr(warmup, "start", lambda pages: started.append(list(pages)))
    at = open_page(sample_db, "retention")
    assert started == []  # the first run: the browser is still drawing it
    at.run()
    pages = [f"app_pages/{page}.py" for page in warmed("director")]
    assert started == [pages[2:] + pages[:2]]  # relapse first, overview and retention last


def test_the_app_starts_no_warm_up_under_apptest(sample_db, fetched):
    at = open_page(sample_db, "overview")
    at.run()
    # Tests count queries: a background thread would add its own while they count.
    assert not [t for t in threading.enumerate() if t.name.startswith(warmup.THREAD_NAME)]
    assert "retention_curve" not in {name for _, name in fetched}
