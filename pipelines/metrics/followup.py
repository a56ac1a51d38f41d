"""Follow-up: status and rate per timepoint, outcomes among those reached, retention bias."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics._common import add_wilson, as_counts, fetch
from pipelines.metrics.filters import ALL, Filters
from pipelines.stats import benjamini_hochberg, compare_amounts, compare_proportions

SAMHSA_TARGET = 0.80
CATEGORIES = {
    "sex": "sex",
    "primary_substance": "primary substance",
    "discharge_reason": "discharge reason",
    "completed_treatment": "completed treatment",
    "track": "track",
}
AMOUNTS = {
    "age_at_admission": "age at admission",
    "intake_days_abstinent_rate": "percent days abstinent at intake",
}
BIAS_COLUMNS = [
    "group_value",
    "characteristic",
    "level",
    "value_kind",
    "n_followed",
    "n_lost",
    "followed_value",
    "lost_value",
    "n_followed_total",
    "n_lost_total",
    "test",
    "statistic",
    "p_value",
    "p_adjusted",
    "note",
]


def followup_status(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    target_rate: float = SAMHSA_TARGET,
) -> pd.DataFrame:
    """Due, completed, in-window and overdue follow-ups; follow-up rate vs the 80% target."""
    df = as_counts(fetch(con, "followup_status", filters, group_by))
    df = add_wilson(df, "n_in_window", "n_eligible", "followup_rate")
    df["target_rate"] = target_rate
    df["meets_target"] = df["followup_rate"] >= target_rate
    return df.astype({"timepoint_order": "int64"})


def followup_outcomes(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    in_window_only: bool = True,
) -> pd.DataFrame:
    """Abstinent, employed or in school, stably housed, arrested: among those reached."""
    df = fetch(con, "followup_outcomes", filters, group_by, in_window_only=in_window_only)
    df = add_wilson(as_counts(df), "n_yes", "n_answered", "outcome_rate")
    return df.astype({"timepoint_order": "int64", "outcome_order": "int64"})


def _category_rows(column: str, followed: pd.DataFrame, lost: pd.DataFrame) -> list[dict]:
    # unique() first: iterating an Arrow-backed column value by value took seconds.
    present = set(followed[column].dropna().unique()) | set(lost[column].dropna().unique())
    levels = sorted(present, key=str)
    n_f = followed[column].value_counts().reindex(levels, fill_value=0).to_numpy()
    n_l = lost[column].value_counts().reindex(levels, fill_value=0).to_numpy()
    test, statistic, p_value, note = "", np.nan, np.nan, "one level only: nothing to test"
    if len(levels) >= 2:
        result = compare_proportions(n_f, n_f + n_l)
        test, statistic, p_value = result.test, result.statistic, result.p_value
        note = result.note
    return [
        {
            "level": str(level),
            "value_kind": "share",
            "n_followed": int(a),
            "n_lost": int(b),
            "followed_value": a / len(followed) if len(followed) else np.nan,
            "lost_value": b / len(lost) if len(lost) else np.nan,
            "test": test,
            "statistic": statistic,
            "p_value": p_value,
            "note": note,
        }
        for level, a, b in zip(levels, n_f, n_l, strict=True)
    ]


def _amount_row(column: str, followed: pd.DataFrame, lost: pd.DataFrame) -> dict:
    a = followed[column].dropna().to_numpy(float)
    b = lost[column].dropna().to_numpy(float)
    row = {"level": "median", "value_kind": "median", "n_followed": a.size, "n_lost": b.size}
    row |= {"followed_value": np.median(a) if a.size else np.nan}
    row |= {"lost_value": np.median(b) if b.size else np.nan}
    if a.size and b.size:
        result = compare_amounts(a, b)
        test = {"test": result.test, "statistic": result.statistic, "p_value": result.p_value}
        return row | test | {"note": ""}
    note = "no values on one side: nothing to test"
    return row | {"test": "", "statistic": np.nan, "p_value": np.nan, "note": note}


def followup_bias(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    timepoint: str | None = None,
) -> pd.DataFrame:
    """Retention-bias table: intake characteristics of followed vs lost, with a test per row."""
    rows = fetch(con, "followup_bias", filters, group_by, timepoint=timepoint)
    out = []
    for group, episodes in rows.groupby("group_value", sort=True):
        followed = episodes[episodes["is_followed"]]
        lost = episodes[~episodes["is_followed"]]
        part = []
        for column, label in AMOUNTS.items():
            part.append({"characteristic": label} | _amount_row(column, followed, lost))
        for column, label in CATEGORIES.items():
            part += [{"characteristic": label} | r for r in _category_rows(column, followed, lost)]
        frame = pd.DataFrame(part).assign(
            group_value=group, n_followed_total=len(followed), n_lost_total=len(lost)
        )
        # One test per characteristic: adjust across characteristics, not across level rows.
        tests = frame.drop_duplicates("characteristic")[["characteristic", "p_value"]]
        adjusted = benjamini_hochberg(tests["p_value"].to_numpy(float))
        adjusted = dict(zip(tests["characteristic"], adjusted, strict=True))
        frame["p_adjusted"] = frame["characteristic"].map(adjusted)
        out.append(frame)
    if not out:
        return pd.DataFrame(columns=BIAS_COLUMNS)
    return as_counts(pd.concat(out, ignore_index=True)[BIAS_COLUMNS])
