"""Census metrics: admissions, active clients, discharges, completion and readmission."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.metrics._common import add_wilson, as_counts, fetch
from pipelines.metrics.filters import ALL, Filters
from pipelines.metrics.runner import run_metric


def admissions_by_month(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Episodes admitted per admission month (and group): counts of admissions."""
    return run_metric(con, "admissions_by_month", filters.params(group_by))


def active_census(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Episodes active at the data cut-off (not discharged, not administratively discharged)."""
    return run_metric(con, "active_census", filters.params(group_by))


def discharges_by_reason(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Discharges per TEDS discharge reason (plus administrative): counts and shares, Wilson 95%."""
    df = as_counts(run_metric(con, "discharges_by_reason", filters.params(group_by)))
    return add_wilson(df, "n_discharges", "n_discharged", "reason_rate")


def census_by_month(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Admissions, discharges and episodes active at each month end (census date), by month."""
    return as_counts(fetch(con, "census_by_month", filters, group_by))


def completion_rate(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Completed / discharged and completed-or-transferred / discharged (TEDS), Wilson 95%."""
    df = as_counts(fetch(con, "completion_rate", filters, group_by))
    df = add_wilson(df, "n_completed", "n_discharged", "completion_rate")
    return add_wilson(
        df, "n_completed_or_transferred", "n_discharged", "completed_or_transferred_rate"
    )


def readmission_rate(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Discharges readmitted within 30/90/365 days, among those with the whole window observed."""
    df = as_counts(fetch(con, "readmission_rate", filters, group_by))
    return add_wilson(df, "n_readmitted", "n_discharged_eligible", "readmission_rate")
