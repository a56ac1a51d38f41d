"""Kaplan–Meier curves, survival read at fixed times, and the median with R's conventions."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from pipelines.stats._checks import check_confidence, check_survival_data

CURVE_COLUMNS = ("time", "survival", "lower", "upper", "at_risk", "events", "censored")
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


def _count_at(sorted_values: np.ndarray, times: np.ndarray) -> np.ndarray:
    return np.searchsorted(sorted_values, times, "right") - np.searchsorted(
        sorted_values, times, "left"
    )


def kaplan_meier(durations: ArrayLike, events: ArrayLike, confidence: float = 0.95) -> pd.DataFrame:
    """Kaplan–Meier estimate with Greenwood log-log confidence bands (scipy.stats.ecdf).

    One row per distinct observed time plus a time-0 row (survival 1 unless events happen at time
    0): `time`, `survival` (right-continuous), `lower`/`upper` (log-log band), `at_risk` (number
    with duration >= time), `events` and `censored` at that time. Where survival is 1 the band is
    1 to 1 (Greenwood variance 0); where survival is 0 the log-log band is undefined and both
    limits are NaN (as in R's `survfit`). Empty input gives an empty frame with these columns.
    """
    check_confidence(confidence)
    d, e = check_survival_data(durations, events)
    if d.size == 0:
        return _empty_curve()
    times = np.union1d([0.0], d)
    at_risk = d.size - np.searchsorted(np.sort(d), times, "left")
    n_events = _count_at(np.sort(d[e]), times)
    n_censored = _count_at(np.sort(d[~e]), times)

    fit = stats.ecdf(stats.CensoredData(uncensored=d[e], right=d[~e]))
    survival = fit.sf.evaluate(times)
    with warnings.catch_warnings():
        # scipy warns where the band is undefined (survival 0 or 1); both are handled below.
        warnings.filterwarnings("ignore", "The confidence interval is undefined", RuntimeWarning)
        band = fit.sf.confidence_interval(confidence_level=confidence, method="log-log")
        lower = np.asarray(band.low.evaluate(times), dtype=float)
        upper = np.asarray(band.high.evaluate(times), dtype=float)
    lower[survival == 1.0] = upper[survival == 1.0] = 1.0
    lower[survival == 0.0] = upper[survival == 0.0] = np.nan

    return pd.DataFrame(
        {
            "time": times,
            "survival": survival,
            "lower": lower,
            "upper": upper,
            "at_risk": at_risk.astype("int64"),
            "events": n_events.astype("int64"),
            "censored": n_censored.astype("int64"),
        }
    )


def survival_at(curve: pd.DataFrame, times: ArrayLike) -> pd.DataFrame:
    """Read a Kaplan–Meier curve (from `kaplan_meier`) as a right-continuous step function.

    Returns `time`, `survival`, `lower`, `upper` and `at_risk` (number with duration >= t, the
    number-at-risk row under a plot) at each requested time. Before time 0 survival is 1. After the
    last observed time the curve is unknown, so survival and band are NaN (R's `summary.survfit`
    drops such times), except that a curve which reached 0 stays at 0 (band NaN); at-risk is 0.
    """
    t = np.asarray(times, dtype=float).ravel()
    if np.isnan(t).any():
        raise ValueError("times must not be missing")
    out = {"time": t}
    if curve.empty:
        for column in ("survival", "lower", "upper"):
            out[column] = np.full(t.shape, np.nan)
        out["at_risk"] = np.zeros(t.shape, dtype="int64")
        return pd.DataFrame(out)

    curve_times = curve["time"].to_numpy(dtype=float)
    last = np.searchsorted(curve_times, t, "right") - 1  # last curve time <= t
    before_start = last < 0
    beyond_end = t > curve_times[-1]
    ended_at_zero = curve["survival"].iloc[-1] == 0.0
    for column in ("survival", "lower", "upper"):
        values = curve[column].to_numpy(dtype=float)[np.maximum(last, 0)]
        values[before_start] = 1.0
        values[beyond_end] = np.nan
        out[column] = values
    if ended_at_zero:
        out["survival"][beyond_end] = 0.0

    # Nobody's duration falls strictly between two curve times, so the number with duration >= t
    # is the at-risk count at the first curve time >= t.
    following = np.searchsorted(curve_times, t, "left")
    at_risk = curve["at_risk"].to_numpy(dtype="int64")
    out["at_risk"] = np.where(
        following < len(curve_times), at_risk[np.minimum(following, len(curve_times) - 1)], 0
    )
    return pd.DataFrame(out)


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


def km_median(durations: ArrayLike, events: ArrayLike) -> float:
    """Kaplan–Meier median with R `survival`'s convention (midpoint of a flat at exactly 0.5).

    Otherwise the first time the survival is at or below 0.5 (lifelines' value); when the curve
    sits at 0.5 until the last follow-up, the midpoint of that stretch; NaN when never reached.
    """
    curve = kaplan_meier(durations, events)
    return _r_crossing_time(curve["time"].to_numpy(), curve["survival"].to_numpy())


def km_median_ci(
    durations: ArrayLike, events: ArrayLike, confidence: float = 0.95
) -> tuple[float, float]:
    """Brookmeyer–Crowley style interval for the KM median: where the log-log band crosses 0.5.

    The lower limit is the time the lower band reaches 0.5, the upper limit the time the upper band
    does (NaN when it never does), with the same midpoint rule as the median; this is what R's
    `print(survfit(..., conf.type = "log-log"))` shows as 0.95LCL and 0.95UCL.
    """
    curve = kaplan_meier(durations, events, confidence)
    times = curve["time"].to_numpy()
    return (
        _r_crossing_time(times, curve["lower"].to_numpy()),
        _r_crossing_time(times, curve["upper"].to_numpy()),
    )
