"""Follow-up: status and rate per timepoint, outcomes among those reached, retention bias."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics._common import WEIGHT, add_wilson, as_counts, fetch
from pipelines.metrics.filters import ALL, Filters
from pipelines.metrics.runner import metric_sql, run_sql
from pipelines.stats import (
    benjamini_hochberg,
    compare_amounts,
    compare_proportions,
    weighted_median,
)

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


def _category_rows(
    followed: dict[str, int], lost: dict[str, int], n_followed: int, n_lost: int
) -> list[dict]:
    """Rows of one characteristic: episodes per level (`followed`, `lost`: level -> count)."""
    levels = sorted(set(followed) | set(lost), key=str)
    n_f = np.array([followed.get(level, 0) for level in levels], dtype="int64")
    n_l = np.array([lost.get(level, 0) for level in levels], dtype="int64")
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
            "followed_value": a / n_followed if n_followed else np.nan,
            "lost_value": b / n_lost if n_lost else np.nan,
            "test": test,
            "statistic": statistic,
            "p_value": p_value,
            "note": note,
        }
        for level, a, b in zip(levels, n_f, n_l, strict=True)
    ]


def _by_level(levels: list, followed: list[bool], weights: list[int]) -> tuple[dict, dict]:
    """Episodes per level among the followed and the lost (missing levels left out). The
    counted rows are a few dozen: plain dicts cost less than a pandas groupby per set."""
    out: tuple[dict, dict] = ({}, {})
    for level, is_followed, n in zip(levels, followed, weights, strict=True):
        if pd.isna(level):
            continue
        side = out[0] if is_followed else out[1]
        side[level] = side.get(level, 0) + n
    return out


def _amount_row(values: np.ndarray, weights: np.ndarray, followed: np.ndarray) -> dict:
    """The median row of one amount, from its distinct values counted among followed
    (`followed` true) and lost episodes: the medians and Mann–Whitney test equal those of the
    values repeated by their counts, without repeating them (docs/metrics.md)."""
    keep = ~np.isnan(values)
    values, weights, followed = values[keep], weights[keep], followed[keep]
    a, w_a = values[followed], weights[followed]
    b, w_b = values[~followed], weights[~followed]
    n_a, n_b = int(w_a.sum()), int(w_b.sum())
    row = {"level": "median", "value_kind": "median", "n_followed": n_a, "n_lost": n_b}
    row |= {"followed_value": weighted_median(a, w_a), "lost_value": weighted_median(b, w_b)}
    if n_a and n_b:
        result = compare_amounts(a, b, weights_a=w_a, weights_b=w_b)
        test = {"test": result.test, "statistic": result.statistic, "p_value": result.p_value}
        return row | test | {"note": ""}
    note = "no values on one side: nothing to test"
    return row | {"test": "", "statistic": np.nan, "p_value": np.nan, "note": note}


def _bias_counts(
    con: duckdb.DuckDBPyConnection, filters: Filters, group_by: str | None, timepoint: str | None
) -> pd.DataFrame:
    """Episodes of followup_bias.sql counted per group, followed or lost, and value of each
    characteristic (one grouping set per characteristic; `set_` names it). One scan, a few
    hundred rows, instead of one row per episode and a value_counts per characteristic."""
    characteristics = [*AMOUNTS, *CATEGORIES]
    sets = ", ".join(f"(group_value, is_followed, {c})" for c in characteristics)
    which = " ".join(f"when grouping({c}) = 0 then '{c}'" for c in characteristics)
    sql = (
        f"select group_value, is_followed, {', '.join(characteristics)}, "
        f"case {which} end as set_, count(*) as {WEIGHT} "
        f"from ({metric_sql('followup_bias')}) as episodes group by grouping sets ({sets}) "
        "order by all"
    )
    return run_sql(con, sql, filters.params(group_by) | {"timepoint": timepoint})


def followup_bias(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    timepoint: str | None = None,
) -> pd.DataFrame:
    """Retention-bias table: intake characteristics of followed vs lost, with a test per row."""
    counted = _bias_counts(con, filters, group_by, timepoint)
    out = []
    for group, episodes in counted.groupby("group_value", sort=True):
        sets = dict(list(episodes.groupby("set_", sort=False)))
        first = sets["sex"]  # every set counts every episode once
        is_followed = first["is_followed"].to_numpy(bool)
        weights = first[WEIGHT].to_numpy("int64")
        n_followed, n_lost = int(weights[is_followed].sum()), int(weights[~is_followed].sum())
        part = []
        for column, label in AMOUNTS.items():
            rows = sets[column]
            found = _amount_row(
                rows[column].to_numpy(float),
                rows[WEIGHT].to_numpy("int64"),
                rows["is_followed"].to_numpy(bool),
            )
            part.append({"characteristic": label} | found)
        for column, label in CATEGORIES.items():
            rows = sets[column]
            followed, lost = _by_level(
                rows[column].tolist(), rows["is_followed"].tolist(), rows[WEIGHT].tolist()
            )
            found = _category_rows(followed, lost, n_followed, n_lost)
            part += [{"characteristic": label} | r for r in found]
        frame = pd.DataFrame(part).assign(
            group_value=group, n_followed_total=n_followed, n_lost_total=n_lost
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
