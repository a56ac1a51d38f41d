"""Census metrics: admissions, active clients and discharges."""

from __future__ import annotations

import duckdb
import pandas as pd

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
    """Discharges per TEDS discharge reason (plus administrative), with the group's total."""
    return run_metric(con, "discharges_by_reason", filters.params(group_by))
