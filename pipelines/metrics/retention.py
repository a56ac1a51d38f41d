"""Retention: Kaplan–Meier time to premature exit, survival at set days, median, log-rank.

All four read the same per-episode rows (`sql/metrics/retention_curve.sql`) and call
`pipelines.stats`; nothing statistical happens in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics._common import WEIGHT, fetch_weighted
from pipelines.metrics.filters import ALL, Filters
from pipelines.stats import (
    hazard_ratio_logrank,
    kaplan_meier,
    kaplan_meier_arrays,
    km_median,
    km_median_ci,
    logrank,
    survival_at_arrays,
)

MEDIAN_CONVENTION = (
    "first day the curve is at or below 0.5; the midpoint of the stretch where it sits exactly "
    "at 0.5 (R survival); empty when the curve never reaches 0.5"
)
AT_COLUMNS = (
    "group_value",
    "day",
    "retained_rate",
    "retained_rate_lower",
    "retained_rate_upper",
    "n_at_risk",
    "n_events_cumulative",
    "n_episodes",
)
CURVE_COLUMNS = {
    "time": "day",
    "survival": "retained_rate",
    "lower": "retained_rate_lower",
    "upper": "retained_rate_upper",
    "at_risk": "n_at_risk",
    "events": "n_events",
    "censored": "n_censored",
}


def retention_rows(con: duckdb.DuckDBPyConnection, filters: Filters, group_by: str | None):
    """Retention days and event of the episodes, counted (fetch_weighted: one row per distinct
    group, days and event, with how many episodes have it)."""
    columns = ["group_value", "retention_days", "retention_event"]
    return fetch_weighted(con, "retention_curve", filters, group_by, columns)


def retention_arrays(
    rows: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Group, days, event and how many episodes have them, one value per counted row (the
    survival statistics take the counts as frequency weights instead of repeated rows)."""
    return (
        rows["group_value"].to_numpy(object),
        rows["retention_days"].to_numpy(float),
        rows["retention_event"].to_numpy(bool),
        rows[WEIGHT].to_numpy("int64"),
    )


def retention_groups(rows: pd.DataFrame):
    """(group, days, events, weights) of every group, in group order (see retention_arrays)."""
    groups, days, events, weights = retention_arrays(rows)
    for group in sorted(set(groups)):
        mine = groups == group
        yield group, days[mine], events[mine], weights[mine]


def events_by(curve: dict[str, np.ndarray], times: Sequence[float]) -> np.ndarray:
    """Events on or before each of `times`, from a Kaplan–Meier curve's event counts."""
    cumulative = np.concatenate([[0], np.asarray(curve["events"], dtype="int64").cumsum()])
    return cumulative[np.searchsorted(np.asarray(curve["time"], dtype=float), times, "right")]


def retention_curve(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Kaplan–Meier curve of time to premature exit with log-log 95% bands, per group."""
    parts = [
        kaplan_meier(days, events, weights=weights)
        .rename(columns=CURVE_COLUMNS)
        .assign(group_value=group)
        for group, days, events, weights in retention_groups(retention_rows(con, filters, group_by))
    ]
    columns = ["group_value", *CURVE_COLUMNS.values()]
    if not parts:
        return pd.DataFrame(columns=columns)
    df = pd.concat(parts, ignore_index=True)[columns]
    return df.astype({"day": "int64"})  # retention is counted in whole days


def retention_at(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    days: Sequence[int] = (30, 60, 90),
) -> pd.DataFrame:
    """Share retained (Kaplan–Meier) at set days, log-log 95% band and the number at risk."""
    # Arrays, not a frame per group: the overview asks this for every admission quarter, and
    # building small frames cost twice the query (docs/performance.md).
    parts: dict[str, list] = {c: [] for c in AT_COLUMNS}
    rows = retention_rows(con, filters, group_by)
    for group, durations, events, weights in retention_groups(rows):
        curve = kaplan_meier_arrays(durations, events, weights=weights)
        at = survival_at_arrays(curve, list(days))
        found = {
            "group_value": np.full(len(at["time"]), group, dtype=object),
            "day": at["time"].astype("int64"),
            "retained_rate": at["survival"],
            "retained_rate_lower": at["lower"],
            "retained_rate_upper": at["upper"],
            "n_at_risk": at["at_risk"],
            "n_events_cumulative": events_by(curve, at["time"]).astype("int64"),
            "n_episodes": np.full(len(at["time"]), int(weights.sum()), dtype="int64"),
        }
        for column, values in found.items():
            parts[column].append(values)
    if not parts["day"]:
        return pd.DataFrame(columns=list(AT_COLUMNS))
    return pd.DataFrame({c: np.concatenate(v) for c, v in parts.items()})


def retention_median(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Kaplan–Meier median days to premature exit (R's convention) with its 95% interval."""
    out = []
    rows = retention_rows(con, filters, group_by)
    for group, durations, events, weights in retention_groups(rows):
        lower, upper = km_median_ci(durations, events, weights=weights)
        n_episodes, n_events = int(weights.sum()), int(weights[events].sum())
        out.append(
            {
                "group_value": group,
                "n_episodes": n_episodes,
                "n_events": n_events,
                "n_censored": n_episodes - n_events,
                "median_days": km_median(durations, events, weights=weights),
                "median_days_lower": lower,
                "median_days_upper": upper,
                "median_convention": MEDIAN_CONVENTION,
            }
        )
    return pd.DataFrame(
        out,
        columns=[
            "group_value",
            "n_episodes",
            "n_events",
            "n_censored",
            "median_days",
            "median_days_lower",
            "median_days_upper",
            "median_convention",
        ],
    )


def retention_logrank(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    reference: str | None = None,
) -> pd.DataFrame:
    """Log-rank test across groups, with each group's Peto hazard ratio against a reference."""
    rows = retention_rows(con, filters, group_by)
    columns = [
        "group_value",
        "n_episodes",
        "n_events",
        "n_expected",
        "hazard_ratio",
        "hazard_ratio_lower",
        "hazard_ratio_upper",
        "reference_group",
        "statistic",
        "df",
        "p_value",
        "test",
    ]
    groups = sorted(rows["group_value"].unique())
    if len(groups) < 2:
        counted = rows.assign(n_events=rows["retention_event"].astype("int64") * rows[WEIGHT])
        out = counted.groupby("group_value").agg(
            n_episodes=(WEIGHT, "sum"), n_events=("n_events", "sum")
        )
        return out.reset_index().reindex(columns=columns).assign(test="log-rank: needs 2 groups")
    labels, durations, events, weights = retention_arrays(rows)
    result = logrank(durations, events, labels, weights=weights)
    reference = groups[0] if reference is None else reference
    if reference not in groups:
        raise ValueError(f"reference {reference!r} is not one of the groups {groups}")
    table = result.table().rename(
        columns={"group": "group_value", "n": "n_episodes", "observed": "n_events"}
    )
    table = table.rename(columns={"expected": "n_expected"})
    ratios = []
    for group in table["group_value"]:
        if group == reference:
            ratios.append((1.0, np.nan, np.nan))
            continue
        pair = (labels == group) | (labels == reference)
        hr = hazard_ratio_logrank(
            durations[pair], events[pair], labels[pair], reference=reference, weights=weights[pair]
        )
        ratios.append((hr.hazard_ratio, hr.lower, hr.upper))
    table[["hazard_ratio", "hazard_ratio_lower", "hazard_ratio_upper"]] = ratios
    return table.assign(
        reference_group=reference,
        statistic=result.statistic,
        df=result.df,
        p_value=result.p_value,
        test=f"{result.method} (chi-square, {result.df} df); hazard ratio: Peto (O-E)/V",
    )[columns]
