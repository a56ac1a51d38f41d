"""The dashboard's only cache and its only door to the database.

Every table comes through `pipelines.access.fetch` with the viewer's role, so what a role may
see is decided in the data layer, not by which page is shown. Results are cached per (table,
database version, role, filters): a newly published database has a new version, so pages show
new data after a build without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

from pipelines import access
from pipelines.access import Shown, Viewer
from pipelines.db import PublishedDatabase, build_info
from pipelines.metrics.filters import ALL, Filters
from pipelines.settings import Settings

ROLE_KEY = "_viewer_role"  # session_state: the role resolved by dashboard.auth


@st.cache_resource
def _database(path: str) -> PublishedDatabase:
    return PublishedDatabase(Path(path))


def settings() -> Settings:
    return Settings.from_env()


def database() -> PublishedDatabase:
    return _database(str(Path(settings().db_path).resolve()))


def user_email() -> str | None:
    """The signed-in person's e-mail, or None without sign-in."""
    try:
        return str(st.user.email) if st.user.is_logged_in else None
    except (AttributeError, KeyError):
        return None


_warming = threading.local()  # per thread: a warm-up thread has no session to read the role from


@contextmanager
def warming_as(role: access.Role) -> Iterator[None]:
    """Run page scripts in this thread as `role`, outside any session (dashboard.warmup)."""
    _warming.role = role
    try:
        yield
    finally:
        _warming.role = None


def warming() -> bool:
    return getattr(_warming, "role", None) is not None


def role() -> access.Role:
    if warming():
        return _warming.role
    return st.session_state.get(ROLE_KEY, "funder")  # the least privilege until resolved


@st.cache_resource
def _key(path: str) -> bytes:
    return access.database_key(Path(path))


def viewer() -> Viewer:
    """The current person as the data layer sees them: role, k, and the pseudonym key."""
    key = _key(str(Path(settings().db_path).resolve())) if role() != "funder" else b""
    return Viewer(role(), settings().small_cell_min, key)


def can(name: str, *, suppress: bool = False) -> bool:
    """Whether the current viewer may see table `name` (or take action `name`)."""
    return access.allowed(role(), name, suppress=suppress)


@st.cache_data(show_spinner=False, max_entries=2048)
def _fetch(
    name: str,
    version: tuple[int, int],
    path: str,
    who: Viewer,
    filters: Filters,
    group_by: str | None,
    suppress: bool,
    params: tuple[tuple[str, object], ...],
) -> Shown:
    return access.fetch(
        database().connection(),
        who,
        name,
        filters=filters,
        group_by=group_by,
        suppress=suppress,
        **dict(params),
    )


def table(
    name: str,
    filters: Filters = ALL,
    group_by: str | None = None,
    *,
    suppress: bool = False,
    **params: object,
) -> Shown:
    """Table `name` as the current viewer may see it, cached until the database changes."""
    db = database()
    args = tuple(sorted(params.items()))
    return _fetch(name, db.version, str(db.path), viewer(), filters, group_by, suppress, args)


def later(
    name: str, filters: Filters = ALL, group_by: str | None = None, **params: object
) -> Callable[[], pd.DataFrame]:
    """A zero-argument function fetching the table when called (for a download button's
    deferred file): the viewer is fixed now, so the check happens with the role of this run."""
    who, db = viewer(), database()
    if not access.allowed(who.role, name):
        raise access.AccessDenied(f"a {who.role} may not see {name!r}")

    def fetch() -> pd.DataFrame:
        con = db.connection()
        return access.fetch(con, who, name, filters=filters, group_by=group_by, **params).frame

    return fetch


def upload(paths: list[Path], progress: Callable[[str, float], None] | None = None):
    """Load files into the published database (directors only) and forget cached tables."""
    from pipelines.ingest import ingest

    access.require(viewer(), "upload")
    result = ingest(paths, settings=settings(), user=user_email(), progress=progress)
    clear()
    return result


def ingest_summary(result) -> str:
    """The per-file table an ingest run prints (rows read, loaded, skipped, quarantined)."""
    from pipelines.ingest import summary_table

    return summary_table(result)


def frame(name: str, filters: Filters = ALL, group_by: str | None = None, **params) -> pd.DataFrame:
    return table(name, filters, group_by, **params).frame


@st.cache_data(show_spinner=False)
def _info(version: tuple[int, int], path: str) -> dict:
    return build_info(database().connection())


def info() -> dict:
    db = database()
    return _info(db.version, str(db.path))


def choices() -> dict[str, list[str]]:
    """Values of each filter column, and the first/last admission date."""
    db = database()
    return _choices(db.version, str(db.path), viewer())


@st.cache_data(show_spinner=False, max_entries=64)
def _choices(version: tuple[int, int], path: str, who: Viewer) -> dict[str, list]:
    # Asked for by the filter bar and by every export's date line: a dozen times a page run.
    values = _fetch("filter_choices", version, path, who, ALL, None, False, ())
    out = {c: list(v["value"]) for c, v in values.frame.groupby("column_name", sort=False)}
    dates = _fetch("admission_dates", version, path, who, ALL, None, False, ()).frame.iloc[0]
    out["admission_dates"] = [
        pd.Timestamp(dates[c]).date() for c in ("first_admission_date", "last_admission_date")
    ]
    return out


def clear() -> None:
    """Forget every cached table (after an upload publishes a new database)."""
    _fetch.clear()
    _choices.clear()
    _info.clear()


def report_file(quarter: str, filters: Filters, fmt: str) -> Callable[[], bytes]:
    """The funder quarterly report for a calendar quarter, built only when its download button
    is clicked; the report applies small-cell suppression itself, for every role."""
    db, current = database(), settings()

    def build() -> bytes:
        from pipelines.report import build_report

        return build_report(
            db.connection(), quarter=quarter, filters=filters, fmt=fmt, settings=current
        )

    return build
