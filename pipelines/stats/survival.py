"""Kaplan–Meier curves, survival read at fixed times, and the median with R's conventions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy
from numpy.typing import ArrayLike

from pipelines.stats._checks import check_confidence, check_survival_data

CURVE_COLUMNS = ("time", "survival", "lower", "upper", "at_risk", "events", "censored")
_COUNTS = ("at_risk", "events", "censored")
AT_COLUMNS = ("time", "survival", "lower", "upper", "at_risk")

# R's quantile.survfit compares the curve with 0.5 under this tolerance, so a curve that reaches
# 0.5 through rounding (2/3 * 3/4 = 0.49999999...) still counts as sitting exactly at 0.5.
_R_TOLERANCE = float(np.sqrt(np.finfo(float).eps))


def _empty_curve() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time": pd.Series(dtype=float),
            "survival": pd.Series(dtype=float),
            "lower": pd.Series(dtype=float),
            "upper": pd.Series(dtype=float),
            "at_risk": pd.Series(dtype="int64"),
            "events": pd.Series(dtype="int64"),
            "censored": pd.Series(dtype="int64"),
        }
    )


def kaplan_meier(
    durations: ArrayLike,
    events: ArrayLike,
    confidence: float = 0.95,
    *,
    weights: ArrayLike | None = None,
) -> pd.DataFrame:
    """Kaplan–Meier estimate with Greenwood log-log confidence bands.

    One row per distinct observed time plus a time-0 row (survival 1 unless events happen at time
    0): `time`, `survival` (right-continuous), `lower`/`upper` (log-log band), `at_risk` (number
    with duration >= time), `events` and `censored` at that time. Where survival is 1 the band is
    1 to 1 (Greenwood variance 0); where survival is 0 the log-log band is undefined and both
    limits are NaN (as in R's `survfit`). Empty input gives an empty frame with these columns.

    `weights` are frequency weights: row i stands for weights[i] people with the same duration
    and event (whole numbers, 0 drops the row). Counted rows give the same curve as the rows
    repeated, without repeating them (docs/performance.md).
    """
    curve = kaplan_meier_arrays(durations, events, confidence, weights=weights)
    return _empty_curve() if curve["time"].size == 0 else pd.DataFrame(curve)


def kaplan_meier_arrays(
    durations: ArrayLike,
    events: ArrayLike,
    confidence: float = 0.95,
    *,
    weights: ArrayLike | None = None,
) -> dict[str, np.ndarray]:
    """`kaplan_meier` as a dict of arrays (the same columns), for callers that read a few
    values of many curves and would spend more on building frames than on the curves."""
    check_confidence(confidence)
    d, e, w = check_survival_data(durations, events, weights)
    table = _event_table(d, e, w)
    if table.time.size == 0:
        return {c: np.zeros(0, dtype="int64" if c in _COUNTS else float) for c in CURVE_COLUMNS}
    survival, lower, upper = _product_limit(table, confidence)
    # Evaluated at 0 and every observed time: before the first time the curve is 1.
    starts_at_zero = table.time[0] == 0.0
    total = table.at_risk[0]

    def padded(values: np.ndarray, first: float) -> np.ndarray:
        return values if starts_at_zero else np.concatenate([[first], values])

    return {
        "time": padded(table.time, 0.0),
        "survival": padded(survival, 1.0),
        "lower": padded(lower, 1.0),
        "upper": padded(upper, 1.0),
        "at_risk": padded(table.at_risk, total).astype("int64"),
        "events": padded(table.events, 0).astype("int64"),
        "censored": padded(table.censored, 0).astype("int64"),
    }


@dataclass(frozen=True)
class _EventTable:
    """Per distinct time: number at risk (duration >= time), events and censored there."""

    time: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    censored: np.ndarray


def _event_table(d: np.ndarray, e: np.ndarray, w: np.ndarray) -> _EventTable:
    keep = w > 0
    d, e, w = d[keep], e[keep], w[keep]
    times, where = np.unique(d, return_inverse=True)
    events = np.bincount(where, weights=np.where(e, w, 0), minlength=times.size).astype("int64")
    censored = np.bincount(where, weights=np.where(e, 0, w), minlength=times.size).astype("int64")
    leaving = events + censored
    at_risk = leaving[::-1].cumsum()[::-1]  # everyone whose time is here or later
    return _EventTable(times, at_risk, events, censored)


def _product_limit(
    table: _EventTable, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Survival and log-log band at each time of `table`, with the same arithmetic as
    scipy.stats.ecdf (product of (n − d)/n; Greenwood variance on the log(−log) scale), so the
    results match it, and lifelines and R through it, to the last bit (tests/test_stats.py)."""
    n, d = table.at_risk, table.events
    survival = np.cumprod((n - d) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = 1 / np.log(survival) ** 2 * np.cumsum(d / (n * (n - d)))
        log_log = np.log(-np.log(survival))
    z_se = scipy.special.ndtri(1 / 2 + confidence / 2) * np.sqrt(variance)
    lower = np.exp(-np.exp(log_log + z_se))
    upper = np.exp(-np.exp(log_log - z_se))
    # Undefined where survival is 1 (variance 0/0) or 0 (log of 0): R's survfit shows 1 to 1
    # before the first event and no band once the curve reaches 0.
    lower[survival == 1.0] = upper[survival == 1.0] = 1.0
    lower[survival == 0.0] = upper[survival == 0.0] = np.nan
    return survival, lower, upper


def survival_at(curve: pd.DataFrame | dict[str, np.ndarray], times: ArrayLike) -> pd.DataFrame:
    """Read a Kaplan–Meier curve (from `kaplan_meier` or `kaplan_meier_arrays`) as a
    right-continuous step function.

    Returns `time`, `survival`, `lower`, `upper` and `at_risk` (number with duration >= t, the
    number-at-risk row under a plot) at each requested time. Before time 0 survival is 1. After the
    last observed time the curve is unknown, so survival and band are NaN (R's `summary.survfit`
    drops such times), except that a curve which reached 0 stays at 0 (band NaN); at-risk is 0.
    """
    return pd.DataFrame(survival_at_arrays(curve, times))


def survival_at_arrays(
    curve: pd.DataFrame | dict[str, np.ndarray], times: ArrayLike
) -> dict[str, np.ndarray]:
    """`survival_at` as a dict of arrays (see kaplan_meier_arrays)."""
    t = np.asarray(times, dtype=float).ravel()
    if np.isnan(t).any():
        raise ValueError("times must not be missing")
    out = {"time": t}
    curve_times = np.asarray(curve["time"], dtype=float)
    if curve_times.size == 0:
        for column in ("survival", "lower", "upper"):
            out[column] = np.full(t.shape, np.nan)
        out["at_risk"] = np.zeros(t.shape, dtype="int64")
        return out

    last = np.searchsorted(curve_times, t, "right") - 1  # last curve time <= t
    before_start = last < 0
    beyond_end = t > curve_times[-1]
    ended_at_zero = np.asarray(curve["survival"], dtype=float)[-1] == 0.0
    for column in ("survival", "lower", "upper"):
        values = np.asarray(curve[column], dtype=float)[np.maximum(last, 0)]
        values[before_start] = 1.0
        values[beyond_end] = np.nan
        out[column] = values
    if ended_at_zero:
        out["survival"][beyond_end] = 0.0

    # Nobody's duration falls strictly between two curve times, so the number with duration >= t
    # is the at-risk count at the first curve time >= t.
    following = np.searchsorted(curve_times, t, "left")
    at_risk = np.asarray(curve["at_risk"], dtype="int64")
    out["at_risk"] = np.where(
        following < len(curve_times), at_risk[np.minimum(following, len(curve_times) - 1)], 0
    )
    return out


def _r_crossing_time(times: np.ndarray, survival: np.ndarray, p: float = 0.5) -> float:
    """Time a step curve reaches `p`, following R survival's quantile.survfit (`findq`)."""
    if times.size == 0:
        return float("nan")
    last_time = float(times[-1])
    # R: x = c(0, time), y = 1 - survival; duplicated y (censor-only times) are dropped, then the
    # undefined points (band at survival 0) are skipped.
    x = np.concatenate([[0.0], times])
    y = np.concatenate([[0.0], 1.0 - survival])
    ends_undefined = bool(np.isnan(y[-1]))
    defined = ~np.isnan(y)
    x, y = x[defined], y[defined]
    first_of_run = np.concatenate([[True], y[1:] != y[:-1]])
    x, y = x[first_of_run], y[first_of_run]
    if y.max() < p:
        return float("nan")
    start = np.flatnonzero(y >= p - _R_TOLERANCE)  # the curve is at or below 1 - p
    below = np.flatnonzero(y >= p + _R_TOLERANCE)  # the curve is strictly below 1 - p
    if not ends_undefined and abs(p - y[-1]) < _R_TOLERANCE:
        # Flat at exactly 1 - p to the end of follow-up: midpoint with the last observed time.
        return float((x[start[0]] + last_time) / 2)
    if start.size == 0 or below.size == 0:
        return float("nan")
    # Equal unless the curve sits exactly at 1 - p over an interval: then the midpoint of it.
    return float((x[start[0]] + x[below[0]]) / 2)


def km_median(
    durations: ArrayLike, events: ArrayLike, *, weights: ArrayLike | None = None
) -> float:
    """Kaplan–Meier median with R `survival`'s convention (midpoint of a flat at exactly 0.5).

    Otherwise the first time the survival is at or below 0.5 (lifelines' value); when the curve
    sits at 0.5 until the last follow-up, the midpoint of that stretch; NaN when never reached.
    `weights` as in `kaplan_meier`.
    """
    curve = kaplan_meier(durations, events, weights=weights)
    return _r_crossing_time(curve["time"].to_numpy(), curve["survival"].to_numpy())


def km_median_ci(
    durations: ArrayLike,
    events: ArrayLike,
    confidence: float = 0.95,
    *,
    weights: ArrayLike | None = None,
) -> tuple[float, float]:
    """Brookmeyer–Crowley style interval for the KM median: where the log-log band crosses 0.5.

    The lower limit is the time the lower band reaches 0.5, the upper limit the time the upper band
    does (NaN when it never does), with the same midpoint rule as the median; this is what R's
    `print(survfit(..., conf.type = "log-log"))` shows as 0.95LCL and 0.95UCL. `weights` as in
    `kaplan_meier`.
    """
    curve = kaplan_meier(durations, events, confidence, weights=weights)
    times = curve["time"].to_numpy()
    return (
        _r_crossing_time(times, curve["lower"].to_numpy()),
        _r_crossing_time(times, curve["upper"].to_numpy()),
    )
