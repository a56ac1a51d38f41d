"""Rank tests for amounts (independent and paired) and Benjamini–Hochberg adjustment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats


@dataclass(frozen=True)
class AmountComparison:
    """Mann–Whitney U test (two-sided) with the rank-biserial correlation as effect size."""

    test: str
    statistic: float  # U for the first sample
    p_value: float
    rank_biserial: float  # P(a > b) − P(a < b): +1 when every a exceeds every b
    n_a: int
    n_b: int
    median_a: float
    median_b: float


@dataclass(frozen=True)
class PairedChange:
    """Wilcoxon signed-rank test (two-sided) on after − before, with the median difference."""

    test: str
    statistic: float  # scipy's: the smaller of the positive- and negative-rank sums
    p_value: float
    median_difference: float  # median of after − before over complete pairs
    n_pairs: int  # complete pairs used (pairs with a missing value are dropped)
    n_zero: int  # pairs with no change, left out of the ranks (Wilcoxon's convention)


def _present(values: ArrayLike) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    return x[~np.isnan(x)]


def compare_amounts(a: ArrayLike, b: ArrayLike) -> AmountComparison:
    """Mann–Whitney U test (two-sided) of two independent samples; missing values are dropped.

    scipy picks the exact distribution for small samples without ties, otherwise the normal
    approximation with tie and continuity corrections (as R's `wilcox.test`).
    """
    x, y = _present(a), _present(b)
    if x.size == 0 or y.size == 0:
        raise ValueError("both samples need at least one value")
    result = stats.mannwhitneyu(x, y, alternative="two-sided")
    u = float(result.statistic)
    return AmountComparison(
        test="Mann-Whitney U (two-sided)",
        statistic=u,
        p_value=float(result.pvalue),
        rank_biserial=2 * u / (x.size * y.size) - 1,
        n_a=int(x.size),
        n_b=int(y.size),
        median_a=float(np.median(x)),
        median_b=float(np.median(y)),
    )


def paired_change(before: ArrayLike, after: ArrayLike) -> PairedChange:
    """Wilcoxon signed-rank test (two-sided) of after − before on complete pairs.

    Zero differences are dropped before ranking (scipy's and R's default); when every pair is
    unchanged there is nothing to rank, and statistic and p-value are NaN.
    """
    x = np.asarray(before, dtype=float).ravel()
    y = np.asarray(after, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"before ({x.size}) and after ({y.size}) must be paired, same length")
    diff = (y - x)[~(np.isnan(x) | np.isnan(y))]
    if diff.size == 0:
        raise ValueError("no complete pairs")
    n_zero = int((diff == 0).sum())
    if n_zero == diff.size:
        statistic = p_value = float("nan")
    else:
        result = stats.wilcoxon(diff, alternative="two-sided")
        statistic, p_value = float(result.statistic), float(result.pvalue)
    return PairedChange(
        test="Wilcoxon signed-rank (two-sided)",
        statistic=statistic,
        p_value=p_value,
        median_difference=float(np.median(diff)),
        n_pairs=int(diff.size),
        n_zero=n_zero,
    )


def benjamini_hochberg(p_values: ArrayLike) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (false discovery rate), as R's `p.adjust("BH")`.

    adjusted p(i) = min over j >= i of m·p(j)/j, capped at 1, in the original order; missing
    p-values stay missing and do not count in m.
    """
    p = np.asarray(p_values, dtype=float).ravel()
    present = ~np.isnan(p)
    if ((p[present] < 0) | (p[present] > 1)).any():
        raise ValueError("p-values must be between 0 and 1")
    adjusted = np.full(p.shape, np.nan)
    values = p[present]
    m = values.size
    if m == 0:
        return adjusted
    order = np.argsort(values)[::-1]  # largest first, so a running minimum runs down the ranks
    scaled = values[order] * m / np.arange(m, 0, -1)
    fdr = np.empty(m)
    fdr[order] = np.minimum(np.minimum.accumulate(scaled), 1.0)
    adjusted[present] = fdr
    return adjusted
