"""The dashboard's only cache and its only door to the database.

Results are cached per (metric, database version, filters): a newly published database has a
new version, so pages show new data after a build without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from pipelines import metrics
from pipelines.db import PublishedDatabase, build_info
from pipelines.metrics.filters import Filters
from pipelines.settings import Settings


@st.cache_resource
def _database(path: str) -> PublishedDatabase:
    return PublishedDatabase(Path(path))


def settings() -> Settings:
    return Settings.from_env()


def database() -> PublishedDatabase:
    return _database(str(Path(settings().db_path).resolve()))


@st.cache_data(show_spinner=False, max_entries=512)
def _metric(
    name: str, version: tuple[int, int], path: str, filters: Filters, group_by: str | None
) -> pd.DataFrame:
    fn: Callable[..., pd.DataFrame] = getattr(metrics, name)
    return fn(database().connection(), filters=filters, group_by=group_by)


def metric(name: str, filters: Filters, group_by: str | None = None) -> pd.DataFrame:
    """A metric function's result for these filters, cached until the database changes."""
    db = database()
    return _metric(name, db.version, str(db.path), filters, group_by)


@st.cache_data(show_spinner=False)
def _info(version: tuple[int, int], path: str) -> dict:
    return build_info(database().connection())


def info() -> dict:
    db = database()
    return _info(db.version, str(db.path))
