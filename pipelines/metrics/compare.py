"""Comparisons for researchers: every outcome side by side across groups, with the right test.

Rates: chi-square, or Fisher's exact test for a sparse 2x2 (risk difference with Newcombe's
interval for two groups, Cramér's V for more). Skewed amounts: Mann–Whitney for two groups
(rank-biserial correlation), Kruskal–Wallis for more (epsilon²). Curves: log-rank (Peto hazard
ratio for two groups). Benjamini–Hochberg adjusts the p-values across all rows.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics._common import WEIGHT, fetch_weighted, kruskal_wallis
from pipelines.metrics.attendance import initiation_engagement
from pipelines.metrics.census import completion_rate, readmission_rate
from pipelines.metrics.filters import ALL, Filters
from pipelines.metrics.followup import followup_outcomes, followup_status
from pipelines.metrics.retention import retention_arrays, retention_groups, retention_rows
from pipelines.stats import (
    benjamini_hochberg,
    compare_amounts,
    compare_proportions,
    hazard_ratio_logrank,
    kaplan_meier,
    logrank,
    survival_at,
    weighted_median,
)

RETENTION_DAY = 90
FETCH_THREADS = 3
FIXED_COLUMNS = [
    "metric",
    "label",
    "kind",
    "test",
    "statistic",
    "df",
    "p_value",
    "p_adjusted",
    "effect_name",
    "effect",
    "effect_lower",
    "effect_upper",
    "note",
]
NO_TEST = {"test": "", "statistic": np.nan, "df": np.nan, "p_value": np.nan}
NO_EFFECT = {"effect_name": "", "effect": np.nan, "effect_lower": np.nan, "effect_upper": np.nan}


def _side_by_side(values: dict, counts: dict) -> dict:
    out = {}
    for group in values:
        out[f"value: {group}"] = values[group]
        out[f"n: {group}"] = int(counts[group])
    return out


def _rate_row(metric: str, label: str, table: pd.DataFrame, x: str, n: str) -> dict:
    """Compare the proportion x/n across the groups (rows of `table`, one per group)."""
    table = table[table[n] > 0].sort_values("group_value")
    groups = list(table["group_value"])
    values = dict(zip(groups, table[x] / table[n], strict=True))
    row = {"metric": metric, "label": label, "kind": "rate"} | NO_TEST | NO_EFFECT
    row |= _side_by_side(values, dict(zip(groups, table[n], strict=True)))
    if len(groups) < 2:
        return row | {"note": "fewer than 2 groups with a denominator: nothing to compare"}
    result = compare_proportions(table[x].to_numpy(), table[n].to_numpy())
    name = result.effect_name
    if len(groups) == 2:
        name = f"{name}: {groups[0]} minus {groups[1]}"
    return row | {
        "test": result.test,
        "statistic": result.statistic,
        "df": result.df if result.df is not None else np.nan,
        "p_value": result.p_value,
        "effect_name": name,
        "effect": result.effect,
        "effect_lower": result.effect_lower,
        "effect_upper": result.effect_upper,
        "note": result.note,
    }


def _samples(counted: pd.DataFrame, column: str) -> dict[object, tuple[np.ndarray, np.ndarray]]:
    """Each group's distinct values of `column` (missing dropped) with how many rows hold each,
    from fetch_weighted: the rank tests take the counts instead of the rows repeated."""
    counted = counted.dropna(subset=[column])
    return {
        g: (part[column].to_numpy(float), part[WEIGHT].to_numpy("int64"))
        for g, part in counted.groupby("group_value", sort=True)
    }


def _amount_row(
    metric: str, label: str, samples: dict[object, tuple[np.ndarray, np.ndarray]]
) -> dict:
    """Compare a skewed amount (one value per episode) across groups; medians side by side.

    `samples` maps each group to (values, counts) as `_samples` gives them."""
    medians = {g: weighted_median(v, w) for g, (v, w) in samples.items()}
    counts = {g: int(w.sum()) for g, (_, w) in samples.items()}
    row = {"metric": metric, "label": f"{label} (median)", "kind": "amount"} | NO_TEST
    row |= NO_EFFECT | _side_by_side(medians, counts)
    groups = list(samples)
    if len(groups) < 2:
        return row | {"note": "fewer than 2 groups with values: nothing to compare"}
    if len(groups) == 2:
        (a, weights_a), (b, weights_b) = samples[groups[0]], samples[groups[1]]
        result = compare_amounts(a, b, weights_a=weights_a, weights_b=weights_b)
        return row | {
            "test": result.test,
            "statistic": result.statistic,
            "p_value": result.p_value,
            "effect_name": f"rank-biserial correlation: {groups[0]} vs {groups[1]}",
            "effect": result.rank_biserial,
            "note": "",
        }
    arrays, weights = zip(*samples.values(), strict=True)
    result = kruskal_wallis(list(arrays), list(weights))
    return row | {
        "test": result.test,
        "statistic": result.statistic,
        "df": result.df,
        "p_value": result.p_value,
        "effect_name": "epsilon squared",
        "effect": result.epsilon_squared,
        "note": "",
    }


def _retention_row(rows: pd.DataFrame, day: int) -> dict:
    """Log-rank across groups; the value shown is the share retained at `day` (Kaplan–Meier)."""
    values, counts = {}, {}
    for group, durations, events, weights in retention_groups(rows):
        curve = kaplan_meier(durations, events, weights=weights)
        values[group] = float(survival_at(curve, [day])["survival"].iloc[0])
        counts[group] = int(weights.sum())
    label = f"retained at day {day} (Kaplan-Meier)"
    row = {"metric": "retention", "label": label, "kind": "curve"} | NO_TEST | NO_EFFECT
    row |= _side_by_side(values, counts)
    if len(values) < 2:
        return row | {"note": "fewer than 2 groups: nothing to compare"}
    groups, durations, events, weights = retention_arrays(rows)
    result = logrank(durations, events, groups, weights=weights)
    row |= {
        "test": "log-rank",
        "statistic": result.statistic,
        "df": result.df,
        "p_value": result.p_value,
        "note": "",
    }
    if len(values) == 2:
        first, second = list(values)
        hr = hazard_ratio_logrank(durations, events, groups, reference=first, weights=weights)
        row |= {
            "effect_name": f"hazard ratio of premature exit (Peto): {second} vs {first}",
            "effect": hr.hazard_ratio,
            "effect_lower": hr.lower,
            "effect_upper": hr.upper,
        }
    return row


def _fetch_all(
    con: duckdb.DuckDBPyConnection, filters: Filters, group_by: str | None
) -> dict[str, pd.DataFrame]:
    """Every table the comparison needs, fetched on FETCH_THREADS threads (each query takes its
    own cursor, STACK.md): one query rarely keeps both cores busy, so the nine overlap."""
    by = {"filters": filters, "group_by": group_by}
    calls = {
        "completion": lambda: completion_rate(con, **by),
        "readmission": lambda: readmission_rate(con, **by),
        "iet": lambda: initiation_engagement(con, **by),
        "attendance": lambda: fetch_weighted(
            con, "attendance_rate", filters, group_by, ["group_value", "n_attended", "n_scheduled"]
        ),
        "points": lambda: fetch_weighted(
            con,
            "abstinence_by_timepoint",
            filters,
            group_by,
            ["group_value", "timepoint", "days_abstinent_rate"],
            where="timepoint in ('intake', 'discharge')",  # the two compared (below)
            in_window_only=True,
        ),
        "stays": lambda: fetch_weighted(
            con, "length_of_stay", filters, group_by, ["group_value", "los_days"]
        ),
        "retention": lambda: retention_rows(con, filters, group_by),
        "status": lambda: followup_status(con, **by),
        "outcomes": lambda: followup_outcomes(con, **by),
    }
    with ThreadPoolExecutor(FETCH_THREADS, thread_name_prefix="compare-fetch") as pool:
        futures = {name: pool.submit(call) for name, call in calls.items()}
        return {name: future.result() for name, future in futures.items()}


def compare_groups(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    retention_day: int = RETENTION_DAY,
) -> pd.DataFrame:
    """Every outcome side by side across the groups, with its test, effect and BH-adjusted p."""
    fetched = _fetch_all(con, filters, group_by)
    completion, readmission, iet = fetched["completion"], fetched["readmission"], fetched["iet"]
    attendance = fetched["attendance"]
    attendance = attendance[attendance["n_scheduled"] > 0]
    attendance = attendance.assign(rate=attendance["n_attended"] / attendance["n_scheduled"])
    points, stays = fetched["points"], fetched["stays"]
    rows = [
        _rate_row(
            "completion_rate", "completed / discharged", completion, "n_completed", "n_discharged"
        ),
        _rate_row(
            "completed_or_transferred_rate",
            "completed or transferred / discharged",
            completion,
            "n_completed_or_transferred",
            "n_discharged",
        ),
        _retention_row(fetched["retention"], retention_day),
        _amount_row("length_of_stay", "length of stay, days", _samples(stays, "los_days")),
        _amount_row("attendance_rate", "attendance rate per episode", _samples(attendance, "rate")),
        _rate_row(
            "initiation_rate",
            "initiation (HEDIS IET-style)",
            iet,
            "n_initiated",
            "n_eligible_initiation",
        ),
        _rate_row(
            "engagement_rate",
            "engagement (HEDIS IET-style)",
            iet,
            "n_engaged",
            "n_eligible_engagement",
        ),
        _rate_row(
            "readmission_rate_90d",
            "readmitted within 90 days",
            readmission[readmission["window_days"] == 90],
            "n_readmitted",
            "n_discharged_eligible",
        ),
    ]
    for timepoint in ("intake", "discharge"):
        subset = points[points["timepoint"] == timepoint]
        label = f"percent days abstinent at {timepoint}"
        samples = _samples(subset, "days_abstinent_rate")
        rows.append(_amount_row(f"days_abstinent_rate_{timepoint}", label, samples))
    status, outcomes = fetched["status"], fetched["outcomes"]
    outcomes = outcomes[outcomes["outcome"] == "abstinent"]
    for timepoint in status.sort_values("timepoint_order")["timepoint"].unique():
        rows.append(
            _rate_row(
                f"followup_rate_{timepoint}",
                f"follow-up rate at {timepoint} (in window)",
                status[status["timepoint"] == timepoint],
                "n_in_window",
                "n_eligible",
            )
        )
        rows.append(
            _rate_row(
                f"abstinent_at_{timepoint}",
                f"abstinent at {timepoint}, among those reached",
                outcomes[outcomes["timepoint"] == timepoint],
                "n_yes",
                "n_answered",
            )
        )
    df = pd.DataFrame(rows)
    n_columns = [c for c in df.columns if c.startswith("n: ")]
    df = df[df[n_columns].notna().any(axis=1)].reset_index(drop=True)  # no data in any group
    df["p_adjusted"] = benjamini_hochberg(df["p_value"].to_numpy(float))
    groups = sorted({c.removeprefix("n: ") for c in df.columns if c.startswith("n: ")})
    df = df.reindex(columns=FIXED_COLUMNS + [f"{k}: {g}" for g in groups for k in ("value", "n")])
    return df.astype({f"n: {g}": "Int64" for g in groups})
