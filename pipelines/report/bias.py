"""The retention-bias table for the period's follow-ups: intake characteristics of the clients
reached and of the clients lost, as `followup_bias` computes it for an admission cohort.

Episodes: those with a follow-up counted in the period (window closed in it, not deceased).
Followed: reached inside the window at least once among them; lost: never. Amounts (age, intake
percent days abstinent): medians, Mann–Whitney U. Categories: shares, chi-square on the 2 × k
table (Fisher's exact test for a sparse 2 × 2). Benjamini–Hochberg across characteristics.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.access.protect import Spec
from pipelines.report.protection import PROGRAM, Protected
from pipelines.stats import benjamini_hochberg, compare_amounts, compare_proportions
from pipelines.suppression import RATE_REASON, suppress_counts

AMOUNTS = {
    "age_at_admission": "age at admission",
    "intake_days_abstinent_rate": "percent days abstinent at intake",
}
CATEGORIES = {
    "sex": "sex",
    "primary_substance": "primary substance",
    "discharge_reason": "discharge reason",
    "completed_treatment": "completed treatment",
    "track": "track",
}
COLUMNS = [
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
]


def _amount(values: pd.Series, followed: np.ndarray) -> dict:
    a = values[followed].dropna().to_numpy(float)
    b = values[~followed].dropna().to_numpy(float)
    row = {"level": "median", "value_kind": "median", "n_followed": a.size, "n_lost": b.size}
    row |= {"followed_value": np.median(a) if a.size else np.nan}
    row |= {"lost_value": np.median(b) if b.size else np.nan}
    if not (a.size and b.size):
        return row | {"test": "", "statistic": np.nan, "p_value": np.nan}
    result = compare_amounts(a, b)
    return row | {"test": result.test, "statistic": result.statistic, "p_value": result.p_value}


def _shares(values: pd.Series, followed: np.ndarray) -> list[dict]:
    levels = sorted(values.dropna().astype(str).unique())
    n_f = values[followed].astype(str).value_counts().reindex(levels, fill_value=0).to_numpy()
    n_l = values[~followed].astype(str).value_counts().reindex(levels, fill_value=0).to_numpy()
    test, statistic, p_value = "", np.nan, np.nan
    if len(levels) >= 2 and followed.any() and (~followed).any():
        result = compare_proportions(n_f, n_f + n_l)
        test, statistic, p_value = result.test, result.statistic, result.p_value
    total_f, total_l = int(followed.sum()), int((~followed).sum())
    return [
        {
            "level": level,
            "value_kind": "share",
            "n_followed": int(a),
            "n_lost": int(b),
            "followed_value": a / total_f if total_f else np.nan,
            "lost_value": b / total_l if total_l else np.nan,
            "test": test,
            "statistic": statistic,
            "p_value": p_value,
        }
        for level, a, b in zip(levels, n_f, n_l, strict=True)
    ]


def retention_bias(rows: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Followed vs lost among the episodes with a follow-up counted in the period."""
    counted = rows["followups"][rows["followups"]["is_counted"]]
    out = []
    for group, part in counted.groupby("group_value", sort=True):
        status = part.groupby("episode_id").agg(is_followed=("is_reached", "any"))
        episodes = part.drop_duplicates("episode_id").set_index("episode_id").join(status)
        followed = episodes["is_followed"].to_numpy(bool)
        frame = []
        for column, label in AMOUNTS.items():
            frame.append({"characteristic": label} | _amount(episodes[column], followed))
        for column, label in CATEGORIES.items():
            frame += [{"characteristic": label} | r for r in _shares(episodes[column], followed)]
        frame = pd.DataFrame(frame).assign(
            group_value=group,
            n_followed_total=int(followed.sum()),
            n_lost_total=int((~followed).sum()),
        )
        tests = frame.drop_duplicates("characteristic")
        adjusted = benjamini_hochberg(tests["p_value"].to_numpy(float))
        frame["p_adjusted"] = frame["characteristic"].map(
            dict(zip(tests["characteristic"], adjusted, strict=True))
        )
        out.append(frame)
    if not out:
        return pd.DataFrame(columns=COLUMNS)
    df = pd.concat(out, ignore_index=True)[COLUMNS]
    counts = ["n_followed", "n_lost", "n_followed_total", "n_lost_total"]
    return df.astype(dict.fromkeys(counts, "int64"))


_TOTAL, _MISSING = "\x00total", "\x00missing"


def protect_bias(frame: pd.DataFrame, spec: Spec, k: int) -> Protected:
    """Small-cell protection of the program-wide bias table, one characteristic at a time: its
    levels × (followed, lost) add up to the totals printed with the table, so a blank level
    cannot be recovered from the others (a level for values not recorded completes the sum)."""
    data = frame.drop(columns="group_value").reset_index(drop=True)
    reasons = pd.DataFrame("", index=data.index, columns=data.columns, dtype=object)
    totals = ["n_followed_total", "n_lost_total"]
    for _, block in data.groupby("characteristic", sort=False):
        counts = block[["n_followed", "n_lost"]].astype("int64").set_axis(block["level"].tolist())
        total = block[totals].iloc[0].to_numpy(dtype="int64")
        rest = total - counts.sum().to_numpy()
        if (rest > 0).any():
            counts.loc[_MISSING] = rest
        counts.loc[_TOTAL] = total
        found = suppress_counts(counts, k=k, count_columns=["n_followed", "n_lost"],
                                total_row_label=_TOTAL).reasons  # fmt: skip
        reasons.loc[block.index, ["n_followed", "n_lost"]] = found.loc[block["level"]].to_numpy()
        reasons.loc[block.index, totals] = found.loc[[_TOTAL] * len(block)].to_numpy()
    for count, value in (("n_followed", "followed_value"), ("n_lost", "lost_value")):
        reasons.loc[(reasons[count] != "") & (reasons[value] == ""), value] = RATE_REASON
    for column in reasons.columns:
        gone = (reasons[column] != "").to_numpy()
        if gone.any():
            kind = "Int64" if column.startswith("n_") else "Float64"
            data[column] = data[column].astype(kind).mask(gone)
    data.insert(0, "group", PROGRAM)
    data.insert(0, "dimension", "program")
    reasons.insert(0, "group", "")
    reasons.insert(0, "dimension", "")
    return Protected(data, reasons, spec)
