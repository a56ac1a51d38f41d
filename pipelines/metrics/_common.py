"""Helpers shared by the metric modules: run a metric's SQL, add intervals to count columns.

Statistics come from `pipelines.stats`; the two methods it does not offer (a cluster-robust
interval for a ratio of sums, and Kruskal–Wallis for more than two groups) live here, each a
pure function of arrays with its method named.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import scipy
from numpy.typing import ArrayLike

from pipelines.metrics.filters import Filters
from pipelines.metrics.runner import metric_sql, run_metric, run_sql
from pipelines.stats import wilson_interval
from pipelines.stats._checks import check_weights

WILSON = "Wilson score 95%"
CLUSTER = "ratio estimator, 95% interval robust to clustering within episodes"
WEIGHT = "n_rows_"  # fetch_weighted: how many rows a distinct row stands for


def fetch(
    con: duckdb.DuckDBPyConnection,
    name: str,
    filters: Filters,
    group_by: str | None,
    **extra: object,
) -> pd.DataFrame:
    """Run `sql/metrics/<name>.sql` with the shared filters, the group-by and extra parameters."""
    return run_metric(con, name, filters.params(group_by) | extra)


def fetch_weighted(
    con: duckdb.DuckDBPyConnection,
    name: str,
    filters: Filters,
    group_by: str | None,
    columns: list[str],
    *,
    per_episode: str | None = None,
    where: str | None = None,
    **extra: object,
) -> pd.DataFrame:
    """The rows of `sql/metrics/<name>.sql`, only `columns`, counted in DuckDB: each distinct row
    once, with the number of rows holding it in the column `WEIGHT`, ordered by `columns`.

    Episodes with the same values make the same rows; moving (values, count) instead of one row
    per episode is what keeps these metrics fast at a million episodes, and statistics that
    weigh a value (sums, counts) or repeat one numeric array (`repeated`: medians, intervals,
    curves) skip building and grouping a frame of every row (docs/performance.md).
    `per_episode`, when given, is a select list over the rows grouped by group_value and
    episode_id (e.g. counts per episode), and `columns` are then taken from it. `where`, when
    given, keeps only the rows meeting it (DuckDB pushes it into the metric's scans).
    """
    rows = f"({metric_sql(name)}) as metric_rows"
    if per_episode is not None:
        rows = f"(select {per_episode} from {rows} group by group_value, episode_id) as episodes"
    listed = ", ".join(columns)
    kept = f" where {where}" if where is not None else ""
    sql = f"select {listed}, count(*) as {WEIGHT} from {rows}{kept} group by all order by all"
    return run_sql(con, sql, filters.params(group_by) | extra)


def repeated(counted: pd.DataFrame, column: str, dtype: object = float) -> np.ndarray:
    """One value per row again: `column` of a fetch_weighted frame repeated by its weight."""
    return np.repeat(counted[column].to_numpy(dtype), counted[WEIGHT].to_numpy("int64"))


def add_wilson(
    df: pd.DataFrame, successes: str, total: str, rate: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Add `rate`, `rate_lower`, `rate_upper` (Wilson score interval) from two count columns."""
    x = df[successes].to_numpy(dtype=float)
    n = df[total].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df[rate] = np.where(n > 0, x / n, np.nan)
    if len(df):
        low, high = wilson_interval(x, n, confidence)
    else:
        low = high = np.array([], dtype=float)
    df[f"{rate}_lower"], df[f"{rate}_upper"] = low, high
    return df


def as_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Count columns (`n_…`) as plain int64, whatever DuckDB returned (HUGEINT sums, NA)."""
    for column in df.columns:
        if column.startswith("n_"):
            df[column] = df[column].fillna(0).astype("int64")
    return df


def mean_interval(
    values: ArrayLike, confidence: float = 0.95, weights: ArrayLike | None = None
) -> tuple[float, float, float]:
    """Mean with Student's t interval (mean ± t(n−1)·sd/√n); missing values dropped.

    `weights` are frequency weights (value i stands for weights[i] observations, as
    fetch_weighted counts them): n is their sum and the mean and standard deviation are those of
    the values repeated, without repeating them (equal to them up to rounding)."""
    x = np.asarray(values, dtype=float).ravel()
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    keep = ~np.isnan(x) & (w > 0)
    x, w = x[keep], w[keep]
    n = float(w.sum())
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(np.dot(w, x) / n)
    if n < 2:
        return mean, float("nan"), float("nan")
    sd = float(np.sqrt(np.dot(w, (x - mean) ** 2) / (n - 1)))
    half = scipy.stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / np.sqrt(n)
    return mean, float(mean - half), float(mean + half)


@dataclass(frozen=True)
class RatioEstimate:
    """A pooled rate sum(num)/sum(den) with an interval that treats clusters as the sample."""

    rate: float
    lower: float
    upper: float
    n_clusters: int
    method: str = CLUSTER


def ratio_interval(
    numerators: ArrayLike, denominators: ArrayLike, confidence: float = 0.95
) -> RatioEstimate:
    """Pooled rate with a cluster-robust (linearization) interval, clipped to [0, 1].

    Sessions of one client are not independent, so a binomial interval on pooled sessions is too
    narrow. The ratio estimator r = Σy/Σx has variance m/(m−1) · Σ(y_i − r·x_i)² / (Σx)² over the
    m clusters with x_i > 0 (Cochran 1977, §6.4; the survey "ratio mean" variance); the interval
    is r ± z·se. Fewer than 2 clusters give no interval (NaN).
    """
    y = np.asarray(numerators, dtype=float).ravel()
    x = np.asarray(denominators, dtype=float).ravel()
    keep = x > 0
    y, x = y[keep], x[keep]
    m = int(x.size)
    if m == 0:
        return RatioEstimate(float("nan"), float("nan"), float("nan"), 0)
    total = x.sum()
    rate = float(y.sum() / total)
    if m < 2:
        return RatioEstimate(rate, float("nan"), float("nan"), m)
    residual = y - rate * x
    se = float(np.sqrt(m / (m - 1) * (residual**2).sum()) / total)
    z = scipy.stats.norm.ppf(0.5 + confidence / 2)
    return RatioEstimate(rate, max(0.0, rate - z * se), min(1.0, rate + z * se), m)


@dataclass(frozen=True)
class KruskalResult:
    """Kruskal–Wallis H test (tie-corrected) with epsilon-squared as the effect size."""

    statistic: float
    df: int
    p_value: float
    epsilon_squared: float  # H / (n − 1): 0 = no separation, 1 = groups fully separated
    test: str = "Kruskal-Wallis H"


def kruskal_wallis(
    samples: list[ArrayLike], weights: list[ArrayLike | None] | None = None
) -> KruskalResult:
    """Kruskal–Wallis test of equal distributions across 2 or more samples (missing dropped).

    The k-group extension of Mann–Whitney, chi-square approximation on k − 1 df (as R's
    `kruskal.test`); epsilon² = H / (n − 1) (Tomczak & Tomczak 2014).

    `weights`, one array (or None) per sample, are frequency weights: value i of a sample stands
    for that many observations (whole numbers, 0 drops it). The result equals scipy.stats.kruskal
    on the values repeated (it always uses the chi-square approximation): average ranks and the
    tie-corrected H come from the counts with scipy's operations in scipy's order.
    """
    if weights is not None and len(weights) != len(samples):
        raise ValueError(f"samples ({len(samples)}) and weights ({len(weights)}) differ in number")
    counted = []
    for i, sample in enumerate(samples):
        x = np.asarray(sample, dtype=float).ravel()
        w = check_weights(None if weights is None else weights[i], x.size)
        keep = ~np.isnan(x) & (w > 0)
        if keep.any():
            counted.append((x[keep], w[keep]))
    k = len(counted)
    n = [int(w.sum()) for _, w in counted]
    total = sum(n)
    values = np.concatenate([x for x, _ in counted]) if counted else np.zeros(0)
    if k < 2 or np.unique(values).size < 2:
        return KruskalResult(float("nan"), max(k - 1, 0), float("nan"), float("nan"))
    if weights is None:
        result = scipy.stats.kruskal(*(x for x, _ in counted))
        h, p = float(result.statistic), float(result.pvalue)
        return KruskalResult(h, k - 1, p, h / (total - 1))
    distinct, where = np.unique(values, return_inverse=True)
    every = np.concatenate([w for _, w in counted])
    t = np.bincount(where, weights=every, minlength=distinct.size)  # tie counts
    ranks = (np.cumsum(t) - t + 1) + (t - 1) / 2  # average ranks, as scipy's _rankdata
    sample = np.repeat(np.arange(k), [x.size for x, _ in counted])
    rank_sums = np.bincount(sample, weights=every * ranks[where], minlength=k)  # half-integers
    # scipy.stats.kruskal from here, operation for operation (Python ints for the sizes).
    ties = 1 - np.sum(t**3 - t) / (total**3 - total)
    ssbn = sum(rank_sums[i] ** 2 / n[i] for i in range(k))
    h = 12.0 / (total * (total + 1)) * ssbn - 3 * (total + 1)
    h /= ties
    p = scipy.special.chdtrc(np.float64(k - 1), h)
    return KruskalResult(float(h), k - 1, float(p), float(h) / (total - 1))
