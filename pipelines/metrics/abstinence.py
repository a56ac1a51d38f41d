"""Abstinence: percent days abstinent and full abstinence by timepoint; paired change."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipelines.metrics._common import add_wilson, as_counts, fetch_counted, mean_interval
from pipelines.metrics.filters import ALL, Filters
from pipelines.stats import paired_change


def abstinence_by_timepoint(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    in_window_only: bool = True,
) -> pd.DataFrame:
    """Percent days abstinent (mean, median) and share fully abstinent (GPRA) per timepoint."""
    keys = ["group_value", "timepoint_order", "timepoint"]
    columns = [*keys, "days_abstinent_rate", "is_fully_abstinent"]
    rows = fetch_counted(
        con, "abstinence_by_timepoint", filters, group_by, columns, in_window_only=in_window_only
    )
    df = rows.groupby(keys, sort=True).agg(
        n_episodes=("timepoint", "size"),
        days_abstinent_rate_mean=("days_abstinent_rate", "mean"),
        days_abstinent_rate_median=("days_abstinent_rate", "median"),
        n_fully_abstinent=("is_fully_abstinent", "sum"),
    )
    df = as_counts(df.reset_index()[["group_value", "timepoint", "timepoint_order", *df.columns]])
    intervals = [
        mean_interval(part["days_abstinent_rate"])[1:] for _, part in rows.groupby(keys, sort=True)
    ]
    # PDA lies in [0, 1]; a t interval on few clients can reach past it.
    low_high = pd.DataFrame(intervals, columns=["low", "high"], dtype=float).clip(0.0, 1.0)
    df.insert(5, "days_abstinent_rate_mean_lower", low_high["low"])
    df.insert(6, "days_abstinent_rate_mean_upper", low_high["high"])
    return add_wilson(df, "n_fully_abstinent", "n_episodes", "fully_abstinent_rate")


CHANGE_COLUMNS = [
    "group_value",
    "timepoint",
    "timepoint_order",
    "n_pairs",
    "intake_rate_mean",
    "rate_mean",
    "mean_difference",
    "median_difference",
    "n_improved",
    "n_worse",
    "n_unchanged",
    "n_fully_abstinent_intake",
    "n_fully_abstinent",
    "statistic",
    "p_value",
    "test",
]


def abstinence_change(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    in_window_only: bool = True,
) -> pd.DataFrame:
    """Paired change in percent days abstinent from intake, Wilcoxon signed-rank (two-sided)."""
    keys = ["group_value", "timepoint_order", "timepoint"]
    columns = [*keys, "intake_rate", "rate", "is_fully_abstinent_intake", "is_fully_abstinent"]
    rows = fetch_counted(
        con, "abstinence_change", filters, group_by, columns, in_window_only=in_window_only
    )
    out = []
    for (group, order, timepoint), pairs in rows.groupby(keys, sort=True):
        before = pairs["intake_rate"].to_numpy(float)
        after = pairs["rate"].to_numpy(float)
        change = paired_change(before, after)
        diff = after - before
        out.append(
            {
                "group_value": group,
                "timepoint": timepoint,
                "timepoint_order": order,
                "n_pairs": change.n_pairs,
                "intake_rate_mean": float(before.mean()),
                "rate_mean": float(after.mean()),
                "mean_difference": float(diff.mean()),
                "median_difference": change.median_difference,
                "n_improved": int((diff > 0).sum()),
                "n_worse": int((diff < 0).sum()),
                "n_unchanged": change.n_zero,
                "n_fully_abstinent_intake": int(pairs["is_fully_abstinent_intake"].sum()),
                "n_fully_abstinent": int(pairs["is_fully_abstinent"].sum()),
                "statistic": change.statistic,
                "p_value": change.p_value,
                "test": change.test,
            }
        )
    return as_counts(pd.DataFrame(out, columns=CHANGE_COLUMNS)).astype({"timepoint_order": "int64"})
