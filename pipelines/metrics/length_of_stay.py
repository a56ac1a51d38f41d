"""Length of stay: median, quartiles and mean, overall and by discharge reason; TEDS categories."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics._common import as_counts, fetch, fetch_weighted, repeated
from pipelines.metrics.filters import ALL, Filters

LOS_COLUMNS = [
    "group_value",
    "discharge_reason",
    "discharge_reason_label",
    "n_discharges",
    "los_median_days",
    "los_q1_days",
    "los_q3_days",
    "los_mean_days",
]


def _summary(days: np.ndarray) -> dict[str, float]:
    q1, median, q3 = np.quantile(days, [0.25, 0.5, 0.75])  # R's default type 7
    return {
        "n_discharges": int(days.size),
        "los_median_days": float(median),
        "los_q1_days": float(q1),
        "los_q3_days": float(q3),
        "los_mean_days": float(days.mean()),
    }


def length_of_stay(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Median, quartiles (type 7) and mean length of stay of discharges, all and per reason."""
    keys = ["discharge_reason_order", "discharge_reason", "discharge_reason_label"]
    columns = ["group_value", *keys, "los_days"]
    rows = fetch_weighted(con, "length_of_stay", filters, group_by, columns)
    out = []
    for group, episodes in rows.groupby("group_value", sort=True):
        out.append(
            {"group_value": group, "discharge_reason": "all"}
            | {"discharge_reason_label": "All discharges"}
            | _summary(repeated(episodes, "los_days"))
        )
        for (_, reason, label), subset in episodes.groupby(keys, sort=True):
            out.append(
                {"group_value": group, "discharge_reason": reason}
                | {"discharge_reason_label": label}
                | _summary(repeated(subset, "los_days"))
            )
    return pd.DataFrame(out, columns=LOS_COLUMNS).astype({"n_discharges": "int64"})


def length_of_stay_buckets(
    con: duckdb.DuckDBPyConnection, *, filters: Filters = ALL, group_by: str | None = None
) -> pd.DataFrame:
    """Discharges per TEDS length-of-stay category, with the group's discharges as denominator."""
    return as_counts(fetch(con, "length_of_stay_buckets", filters, group_by))
