"""Queries the dashboard needs beyond `pipelines.metrics`: filter choices, the negative-screen
rate, client-level lists for directors, the researchers' extract and data-quality tables.

Each runs one file of `pipelines/access/sql/` with bound parameters on its own cursor; none is
meant to be called by a page directly: `pipelines.access.fetch` decides who may see what.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics._common import CLUSTER, add_wilson, as_counts, ratio_interval
from pipelines.metrics.filters import ALL, Filters

SQL = Path(__file__).resolve().parent / "sql"


@cache
def sql(name: str) -> str:
    return (SQL / f"{name}.sql").read_text()


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pd.DataFrame:
    cursor = con.cursor()
    try:
        return cursor.execute(sql(name), params or {}).df()
    finally:
        cursor.close()


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = run_text(
        con,
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    )
    return bool(found.iloc[0, 0])


def run_text(con: duckdb.DuckDBPyConnection, text: str, params: list | dict) -> pd.DataFrame:
    cursor = con.cursor()
    try:
        return cursor.execute(text, params).df()
    finally:
        cursor.close()


def filter_choices(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The values each filter can take (column_name, value)."""
    return run(con, "filter_choices")


def admission_dates(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """First and last admission date: the bounds of the date filter."""
    return run(con, "admission_dates")


def negative_screen_rate(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Screens (UDS or breath test, one per method and day) showing no use / screens, pooled."""
    counted = run(con, "negative_screen_rate", filters.params(group_by))
    out = []
    for group, pairs in counted.groupby("group_value", sort=True):
        # Back to one value per episode: the interval treats episodes as the clusters.
        repeats = pairs["n_episodes"].to_numpy("int64")
        screens = np.repeat(pairs["n_screens"].to_numpy("int64"), repeats)
        negative = np.repeat(pairs["n_negative"].to_numpy("int64"), repeats)
        screened = screens > 0
        estimate = ratio_interval(negative[screened], screens[screened])
        out.append(
            {
                "group_value": group,
                "n_episodes": int(screened.sum()),
                "n_screens": int(screens.sum()),
                "n_negative": int(negative.sum()),
                "negative_screen_rate": estimate.rate,
                "negative_screen_rate_lower": estimate.lower,
                "negative_screen_rate_upper": estimate.upper,
                "interval_method": CLUSTER,
            }
        )
    columns = [
        "group_value",
        "n_episodes",
        "n_screens",
        "n_negative",
        "negative_screen_rate",
        "negative_screen_rate_lower",
        "negative_screen_rate_upper",
        "interval_method",
    ]
    return pd.DataFrame(out, columns=columns)


def at_risk_clients(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    recent_days: int = 14,
    min_no_shows: int = 2,
    negative_run: int = 2,
    no_contact_days: int = 14,
) -> pd.DataFrame:
    """Episodes with recent no-shows, a positive after negatives, no contact, or a follow-up
    overdue, each with its reasons in words."""
    params = filters.params(group_by) | {
        "recent_days": recent_days,
        "min_no_shows": min_no_shows,
        "negative_run": negative_run,
        "no_contact_days": no_contact_days,
    }
    return run(con, "at_risk_clients", params)


def followups_due(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    horizon_days: int = 30,
    max_rows: int | None = None,
) -> pd.DataFrame:
    """Pending follow-ups that are overdue, in their window, or due within `horizon_days`: the
    longest overdue first, then by due date; only the first `max_rows` when given."""
    params = {"horizon_days": horizon_days, "max_rows": max_rows}
    return run_text(con, _pending("followups_due"), filters.params(group_by) | params)


def followups_due_counts(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    horizon_days: int = 30,
) -> pd.DataFrame:
    """The follow-ups `followups_due` lists, counted per state."""
    params = filters.params(group_by) | {"horizon_days": horizon_days}
    return run_text(con, _pending("followups_due_counts"), params)


@cache
def _pending(name: str) -> str:
    """`name`.sql with followups_pending.sql in its {followups_pending}."""
    return sql(name).replace("{followups_pending}", sql("followups_pending"))


def analysis_extract(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """One row per episode with its outcomes, in relative days (ids are replaced downstream)."""
    return run(con, "analysis_extract", filters.params(group_by))


def coverage(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Share of treatment weeks with a screen and of due follow-ups attempted, Wilson 95%."""
    df = as_counts(run(con, "coverage", filters.params(group_by)))
    return add_wilson(df, "n_covered", "n_expected", "coverage_rate")


def freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Latest date and rows per input table, and days between it and the data cut-off."""
    return run(con, "freshness")


def orphan_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows in no episode, counted by input table and reason."""
    return run(con, "orphan_summary")


def orphan_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows in no episode, with client, file and line."""
    return run(con, "orphan_rows")


def _ingest(con: duckdb.DuckDBPyConnection, name: str, table: str) -> pd.DataFrame:
    if not has_table(con, "ingest", table):
        return pd.DataFrame()
    return run(con, name)


def ingest_runs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every ingest or build run recorded in this database, newest first (empty if none)."""
    return _ingest(con, "ingest_runs", "runs")


def quarantine_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rejected rows counted by run, file, column and check (empty if none)."""
    return _ingest(con, "quarantine_summary", "quarantine")


def quarantine_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rejected rows with the value and line as written (empty if none)."""
    return _ingest(con, "quarantine_rows", "quarantine")
