"""The report's own tables for one period, where the metrics' admission cohorts do not fit:
episodes served, admitted and discharged in the period, discharges of the period by reason with
length of stay, and the follow-ups whose window closed in it (rate, NOMs, paired abstinence).

Each runs one file of `pipelines/report/sql/` with bound parameters (the shared filters, a
group-by from the allow-list and the period) and returns a metric-shaped table: `group_value`,
then counts (`n_…`) and what is computed from them. Client-level rows never leave this module.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics.filters import Filters
from pipelines.report.period import Period
from pipelines.stats import wilson_interval

SQL = Path(__file__).resolve().parent / "sql"
SAMHSA_TARGET = 0.80
OUTCOMES = {
    "abstinent": "is_fully_abstinent",
    "employed_or_in_school": "employed_or_in_school",
    "stable_housing": "stable_housing",
    "arrested_30d": "arrested_30d",
}


@cache
def sql(name: str) -> str:
    return (SQL / f"{name}.sql").read_text()


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]) -> pd.DataFrame:
    """Run `pipelines/report/sql/<name>.sql` on its own cursor (safe across threads)."""
    cursor = con.cursor()
    try:
        return cursor.execute(sql(name), params).df()
    finally:
        cursor.close()


def period_params(filters: Filters, group_by: str | None, period: Period) -> dict[str, object]:
    """Bound parameters: the filters (admission dates and quarters must be empty) and period."""
    if filters.quarters or filters.date_from or filters.date_to:
        raise ValueError("a report's period is its quarter: clear the admission date filters")
    return filters.params(group_by) | period.params()


def wilson(df: pd.DataFrame, successes: str, total: str, rate: str) -> pd.DataFrame:
    """Add `rate` and its Wilson score 95% interval from two count columns."""
    x = df[successes].to_numpy(float)
    n = df[total].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df[rate] = np.where(n > 0, x / n, np.nan)
    low, high = wilson_interval(x, n) if len(df) else (np.array([]), np.array([]))
    df[f"{rate}_lower"], df[f"{rate}_upper"] = low, high
    return df


def period_rows(
    con: duckdb.DuckDBPyConnection, *, period: Period, filters: Filters, group_by: str | None
) -> dict[str, pd.DataFrame]:
    """What the period's tables are computed from, fetched once: the census counts, one row per
    discharge and one per follow-up of the period (client-level: never shown), the reasons."""
    params = period_params(filters, group_by, period)
    return {
        "census": run(con, "quarter_census", params),
        "discharges": run(con, "quarter_discharges", params),
        "followups": run(con, "quarter_followups", params),
        "reasons": run(con, "discharge_reasons", {}),
    }


def census(rows: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Clients and episodes served, active at start and end, admissions and discharges."""
    df = rows["census"].copy()
    counts = [c for c in df.columns if c.startswith("n_")]
    df[counts] = df[counts].fillna(0).astype("int64")
    return df


def _los(days: pd.Series) -> dict[str, float]:
    values = days.to_numpy(float)
    if values.size == 0:
        return dict.fromkeys(("los_median_days", "los_q1_days", "los_q3_days", "los_mean_days"))
    q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])  # R's type 7, as length_of_stay
    return {
        "los_median_days": median,
        "los_q1_days": q1,
        "los_q3_days": q3,
        "los_mean_days": values.mean(),
    }


def discharges(rows: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Discharges of the period per reason (every reason listed), share, length of stay."""
    reasons = rows["reasons"]
    out = []
    for group, episodes in rows["discharges"].groupby("group_value", sort=True):
        base = {"group_value": group, "n_discharged": len(episodes)}
        out.append(base | {"discharge_reason": "all", "discharge_reason_label": "All discharges"}
                   | {"n_discharges": len(episodes)} | _los(episodes["los_days"]))  # fmt: skip
        by_reason = dict(tuple(episodes.groupby("discharge_reason")["los_days"]))
        empty = episodes["los_days"].iloc[:0]
        for reason in reasons.itertuples():
            los = by_reason.get(reason.discharge_reason, empty)
            out.append(
                base
                | {"discharge_reason": reason.discharge_reason}
                | {"discharge_reason_label": reason.label, "n_discharges": len(los)}
                | _los(los)
            )
    columns = ["group_value", "discharge_reason", "discharge_reason_label", "n_discharges"]
    columns += ["n_discharged", "los_median_days", "los_q1_days", "los_q3_days", "los_mean_days"]
    df = pd.DataFrame(out, columns=columns)
    df = df.astype({"n_discharges": "int64", "n_discharged": "int64"})
    df = wilson(df, "n_discharges", "n_discharged", "reason_rate")
    los = ["los_median_days", "los_q1_days", "los_q3_days", "los_mean_days"]
    return df[[*columns[:5], "reason_rate", "reason_rate_lower", "reason_rate_upper", *los]]


def followups(rows: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per timepoint: follow-ups counted (window closed in the period, deceased left out) and
    reached inside the window; the follow-up rate against the SAMHSA 80% target."""
    counted = rows["followups"][rows["followups"]["is_counted"]]
    keys = ["group_value", "timepoint_order", "timepoint"]
    df = counted.groupby(keys, sort=True).agg(
        n_eligible=("episode_id", "size"), n_in_window=("is_reached", "sum")
    )
    df = df.reset_index().astype({"n_eligible": "int64", "n_in_window": "int64"})
    df = wilson(df, "n_in_window", "n_eligible", "followup_rate")
    df["target_rate"] = SAMHSA_TARGET
    df["meets_target"] = df["followup_rate"] >= SAMHSA_TARGET
    return df[["group_value", "timepoint", *df.columns.drop(["group_value", "timepoint"])]]


def outcomes(rows: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """NOMs among clients reached in window: abstinent, employed or in school, stably housed,
    arrested in the past 30 days (as `followup_outcomes`, for the period's follow-ups)."""
    reached = rows["followups"][rows["followups"]["is_reached"]]
    out = []
    keys = ["group_value", "timepoint_order", "timepoint"]
    for (group, order, timepoint), part in reached.groupby(keys, sort=True):
        for outcome_order, (outcome, column) in enumerate(OUTCOMES.items(), start=1):
            answers = part[column]
            out.append(
                {"group_value": group, "timepoint": timepoint, "timepoint_order": order}
                | {"outcome": outcome, "outcome_order": outcome_order}
                | {"n_reached": len(part), "n_answered": int(answers.notna().sum())}
                | {"n_yes": int((answers == True).sum())}  # noqa: E712 - nullable booleans
            )
    columns = ["group_value", "timepoint", "timepoint_order", "outcome", "outcome_order"]
    df = pd.DataFrame(out, columns=[*columns, "n_reached", "n_answered", "n_yes"])
    return wilson(df, "n_yes", "n_answered", "outcome_rate")


def _pairs(part: pd.DataFrame, later: str, later_abstinent: str) -> dict[str, float]:
    both = part.dropna(subset=["intake_days_abstinent_rate", later])
    return {
        "n_pairs": len(both),
        "n_fully_abstinent_intake": int(both["is_fully_abstinent_intake"].astype(bool).sum()),
        "n_fully_abstinent": int(both[later_abstinent].astype(bool).sum()),
        "intake_rate_mean": both["intake_days_abstinent_rate"].mean(),
        "rate_mean": both[later].mean(),
    }


def abstinence_pairs(rows: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Fully abstinent (GPRA) and percent days abstinent at intake and later, same clients:
    intake → discharge for the period's discharges, intake → each follow-up reached in window."""
    discharged = rows["discharges"]
    reached = rows["followups"][rows["followups"]["is_reached"]]
    out = []
    for group, part in discharged.groupby("group_value", sort=True):
        pairs = _pairs(part, "discharge_days_abstinent_rate", "is_fully_abstinent_discharge")
        out.append({"group_value": group, "timepoint": "discharge", "timepoint_order": 0} | pairs)
    keys = ["group_value", "timepoint_order", "timepoint"]
    for (group, order, timepoint), part in reached.groupby(keys, sort=True):
        pairs = _pairs(part, "days_abstinent_rate", "is_fully_abstinent")
        out.append({"group_value": group, "timepoint": timepoint, "timepoint_order": order} | pairs)
    columns = ["group_value", "timepoint", "timepoint_order", "n_pairs"]
    columns += ["n_fully_abstinent_intake", "n_fully_abstinent", "intake_rate_mean", "rate_mean"]
    df = pd.DataFrame(out, columns=columns)
    df = df[df["n_pairs"] > 0].sort_values(["group_value", "timepoint_order"])
    df = wilson(df.reset_index(drop=True), "n_fully_abstinent_intake", "n_pairs", "intake_rate")
    return wilson(df, "n_fully_abstinent", "n_pairs", "abstinent_rate")
