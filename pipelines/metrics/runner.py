"""Run a metric SQL file with bound parameters and return a DataFrame."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

METRICS_SQL = Path(__file__).resolve().parents[1] / "sql" / "metrics"


@cache
def metric_sql(name: str) -> str:
    return (METRICS_SQL / f"{name}.sql").read_text()


def run_metric(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]
) -> pd.DataFrame:
    """Run `sql/metrics/<name>.sql` on its own cursor (safe across threads, STACK.md)."""
    return run_sql(con, metric_sql(name), params)


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> pd.DataFrame:
    """Run `sql` with bound parameters on its own cursor."""
    cursor = con.cursor()
    try:
        return cursor.execute(sql, params).df()
    finally:
        cursor.close()
