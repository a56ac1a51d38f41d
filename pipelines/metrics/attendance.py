"""Attendance and dose: attendance and no-show rates, hours per week, initiation and engagement,
and the week-in-treatment matrix."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics._common import (
    CLUSTER,
    WEIGHT,
    add_wilson,
    as_counts,
    fetch,
    ratio_interval,
    repeated,
)
from pipelines.metrics.filters import ALL, Filters
from pipelines.metrics.runner import metric_sql, run_sql

ATTENDANCE_COLUMNS = [
    "group_value",
    "n_episodes",
    "n_scheduled",
    "n_attended",
    "n_excused",
    "n_no_show",
    "n_cancelled",
    "attendance_rate",
    "attendance_rate_lower",
    "attendance_rate_upper",
    "no_show_rate",
    "no_show_rate_lower",
    "no_show_rate_upper",
    "interval_method",
]


def _ratio_columns(name: str, numerators: pd.Series, denominators: pd.Series) -> dict:
    estimate = ratio_interval(numerators, denominators)
    return {name: estimate.rate, f"{name}_lower": estimate.lower, f"{name}_upper": estimate.upper}


def attendance_rate(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Attended / scheduled and no-show / scheduled sessions (cancelled excluded), pooled."""
    counts = ["n_scheduled", "n_attended", "n_excused", "n_no_show"]
    # As fetch_weighted, but n_cancelled is summed per distinct row rather than being part of it:
    # only its total is used, and the distinct rows drop to under half (156k to 68k at 1M
    # episodes). The rows keep their order, so the repeated arrays and every statistic are the
    # same.
    keys = ", ".join(["group_value", *counts])
    sql = (
        f"select {keys}, count(*) as {WEIGHT}, sum(n_cancelled)::bigint as n_cancelled "
        f"from ({metric_sql('attendance_rate')}) as metric_rows group by {keys} order by {keys}"
    )
    counted = run_sql(con, sql, filters.params(group_by))
    out = []
    for group, part in counted.groupby("group_value", sort=True):
        weights = part[WEIGHT].to_numpy("int64")
        totals = {c: int((part[c].to_numpy("int64") * weights).sum()) for c in counts}
        totals["n_cancelled"] = int(part["n_cancelled"].to_numpy("int64").sum())
        scheduled = repeated(part, "n_scheduled")
        out.append(
            {"group_value": group, "n_episodes": int(weights.sum())}
            | totals
            | _ratio_columns("attendance_rate", repeated(part, "n_attended"), scheduled)
            | _ratio_columns("no_show_rate", repeated(part, "n_no_show"), scheduled)
            | {"interval_method": CLUSTER}
        )
    return as_counts(pd.DataFrame(out, columns=ATTENDANCE_COLUMNS))


def hours_per_week(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    minimum_hours: float | None = None,
) -> pd.DataFrame:
    """Share of complete episode-weeks with attended hours at the ASAM minimum (9 h; 6 under 18)."""
    # One query counts both the weeks and the episodes (sql/metrics/hours_per_week.sql): rows
    # of `part` 'week' and 'episode', each with its weight, as fetch_weighted would give them.
    counted = fetch(con, "hours_per_week", filters, group_by, minimum_hours=minimum_hours)
    counted = counted.rename(columns={"n_rows": WEIGHT})
    is_week = (counted["part"] == "week").to_numpy(bool)
    weeks = counted.loc[is_week, ["group_value", "attended_hours", "meets_minimum", WEIGHT]]
    weeks = weeks.astype({"attended_hours": "float64", "meets_minimum": bool, WEIGHT: "int64"})
    episodes = counted.loc[~is_week, ["group_value", "n_weeks", "n_meeting", WEIGHT]]
    episodes = episodes.astype({"n_weeks": "int64", "n_meeting": "int64", WEIGHT: "int64"})
    per_group = dict(list(episodes.groupby("group_value", sort=True)))
    rule = "ASAM 2.1: 9 h adults, 6 h under 18" if minimum_hours is None else f"{minimum_hours} h"
    out = []
    for group, part in weeks.groupby("group_value", sort=True):
        per_episode = per_group[group]
        hours = repeated(part, "attended_hours")
        meets = part["meets_minimum"].to_numpy(bool)
        out.append(
            {
                "group_value": group,
                "n_episodes": int(per_episode[WEIGHT].sum()),
                "n_weeks": len(hours),
                "n_weeks_meeting_minimum": int(part[WEIGHT].to_numpy()[meets].sum()),
            }
            | _ratio_columns(
                "meeting_minimum_rate",
                repeated(per_episode, "n_meeting"),
                repeated(per_episode, "n_weeks"),
            )
            | {
                "hours_per_week_mean": float(hours.mean()),
                "hours_per_week_median": float(np.median(hours)),
                "minimum_rule": rule,
                "interval_method": CLUSTER,
            }
        )
    columns = [
        "group_value",
        "n_episodes",
        "n_weeks",
        "n_weeks_meeting_minimum",
        "meeting_minimum_rate",
        "meeting_minimum_rate_lower",
        "meeting_minimum_rate_upper",
        "hours_per_week_mean",
        "hours_per_week_median",
        "minimum_rule",
        "interval_method",
    ]
    return as_counts(pd.DataFrame(out, columns=columns))


def initiation_engagement(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    initiation_days: int = 14,
    engagement_days: int = 34,
    engagement_services: int = 2,
) -> pd.DataFrame:
    """HEDIS IET-style initiation (2nd attended day in 14 days), engagement (2 more in 34)."""
    df = fetch(
        con,
        "initiation_engagement",
        filters,
        group_by,
        initiation_days=initiation_days,
        engagement_days=engagement_days,
        engagement_services=engagement_services,
    )
    df = add_wilson(as_counts(df), "n_initiated", "n_eligible_initiation", "initiation_rate")
    return add_wilson(df, "n_engaged", "n_eligible_engagement", "engagement_rate")


def attendance_by_week(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    max_weeks: int = 16,
) -> pd.DataFrame:
    """Attendance rate by week in treatment and group (e.g. admission quarter x week number)."""
    df = as_counts(fetch(con, "attendance_by_week", filters, group_by, max_weeks=max_weeks))
    with np.errstate(divide="ignore", invalid="ignore"):
        df["attendance_rate"] = np.where(
            df["n_scheduled"] > 0, df["n_attended"] / df["n_scheduled"], np.nan
        )
    df["week_number"] = df["week_number"].astype("int64")
    return df
