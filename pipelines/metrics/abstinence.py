"""Abstinence: percent days abstinent and full abstinence by timepoint; paired change."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics._common import (
    WEIGHT,
    add_wilson,
    as_counts,
    fetch,
    fetch_weighted,
    mean_interval,
)
from pipelines.metrics.filters import ALL, Filters
from pipelines.stats import paired_change, weighted_median

TIMEPOINT_COLUMNS = [
    "group_value",
    "timepoint",
    "timepoint_order",
    "n_episodes",
    "days_abstinent_rate_mean",
    "days_abstinent_rate_mean_lower",
    "days_abstinent_rate_mean_upper",
    "days_abstinent_rate_median",
    "n_fully_abstinent",
]


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
    counted = fetch_weighted(
        con, "abstinence_by_timepoint", filters, group_by, columns, in_window_only=in_window_only
    )
    out = []
    for (group, order, timepoint), part in counted.groupby(keys, sort=True):
        weights = part[WEIGHT].to_numpy("int64")
        rates = part["days_abstinent_rate"].to_numpy(float)
        mean, low, high = mean_interval(rates, weights=weights)
        fully = part["is_fully_abstinent"].fillna(False).to_numpy(bool)
        out.append(
            {
                "group_value": group,
                "timepoint": timepoint,
                "timepoint_order": order,
                "n_episodes": int(weights.sum()),
                "days_abstinent_rate_mean": mean,
                # PDA lies in [0, 1]; a t interval on few clients can reach past it.
                "days_abstinent_rate_mean_lower": float(np.clip(low, 0.0, 1.0)),
                "days_abstinent_rate_mean_upper": float(np.clip(high, 0.0, 1.0)),
                "days_abstinent_rate_median": weighted_median(rates, weights),
                "n_fully_abstinent": int((fully * weights).sum()),
            }
        )
    df = as_counts(pd.DataFrame(out, columns=TIMEPOINT_COLUMNS))
    df = df.astype({c: "float64" for c in TIMEPOINT_COLUMNS if c.startswith("days_")})
    df = df.astype({"timepoint_order": "int64"})
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
    # Counted in SQL (each distinct pair once, with its weight), as fetch_weighted would.
    counted = fetch(
        con, "abstinence_change", filters, group_by, in_window_only=in_window_only
    ).rename(columns={"n_rows": WEIGHT})
    out = []
    for (group, order, timepoint), part in counted.groupby(keys, sort=True):
        # Distinct pairs with their counts: the test ranks the counts, no rows are repeated.
        weights = part[WEIGHT].to_numpy("int64")
        before = part["intake_rate"].to_numpy(float)
        after = part["rate"].to_numpy(float)
        change = paired_change(before, after, weights=weights)
        diff = after - before
        total = int(weights.sum())
        out.append(
            {
                "group_value": group,
                "timepoint": timepoint,
                "timepoint_order": order,
                "n_pairs": change.n_pairs,
                "intake_rate_mean": float((before * weights).sum() / total),
                "rate_mean": float((after * weights).sum() / total),
                "mean_difference": float((diff * weights).sum() / total),
                "median_difference": change.median_difference,
                "n_improved": int(weights[diff > 0].sum()),
                "n_worse": int(weights[diff < 0].sum()),
                "n_unchanged": change.n_zero,
                "n_fully_abstinent_intake": _weighted_count(part, "is_fully_abstinent_intake"),
                "n_fully_abstinent": _weighted_count(part, "is_fully_abstinent"),
                "statistic": change.statistic,
                "p_value": change.p_value,
                "test": change.test,
            }
        )
    return as_counts(pd.DataFrame(out, columns=CHANGE_COLUMNS)).astype({"timepoint_order": "int64"})


def _weighted_count(counted: pd.DataFrame, flag: str) -> int:
    """Rows of a fetch_weighted frame where `flag` is true (missing counts as false)."""
    return int((counted[flag].fillna(False).to_numpy(bool) * counted[WEIGHT].to_numpy()).sum())
