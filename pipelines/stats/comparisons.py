"""Rank tests for amounts (independent and paired; rows or counted values) and
Benjamini–Hochberg adjustment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy
from numpy.typing import ArrayLike

from pipelines.stats._checks import check_weights


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


# scipy.stats.wilcoxon (method "auto") uses its normal approximation only above this many
# differences (zeros included), and mannwhitneyu (method "auto") only when both samples exceed
# _MWU_EXACT_MAX; below, it may pick an exact or permutation null, which counted rows reproduce
# by repeating the rows and calling scipy (cheap at these sizes).
_WILCOXON_EXACT_MAX = 50
_MWU_EXACT_MAX = 8


def _counted(values: ArrayLike, weights: ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
    """Values and whole-number weights, without missing values and rows weighing 0."""
    x = np.asarray(values, dtype=float).ravel()
    w = check_weights(weights, x.size)
    keep = ~np.isnan(x) & (w > 0)
    return x[keep], w[keep]


def weighted_median(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Median of the values repeated by their frequency weights, without repeating them.

    Equals np.median of the repeated values to the last bit: the middle value, or the mean of
    the two middle values when their number is even. Missing values and rows weighing 0 are
    dropped; NaN when nothing is left.
    """
    x, w = _counted(values, weights)
    if x.size == 0:
        return float("nan")
    order = np.argsort(x, kind="stable")
    x, cumulative = x[order], np.cumsum(w[order])
    n = int(cumulative[-1])
    # The value at 0-based position k of the repeated sorted values: first row whose
    # cumulative count exceeds k.
    low = x[np.searchsorted(cumulative, (n - 1) // 2, side="right")]
    if n % 2:
        return float(low)
    high = x[np.searchsorted(cumulative, n // 2, side="right")]
    return float((low + high) / 2)  # as np.mean of the two: their sum, halved


@dataclass(frozen=True)
class _CountedRanks:
    """Distinct values (sorted) with their counts, average ranks and tie term, as
    scipy.stats._stats_py._rankdata gives them for the values repeated."""

    values: np.ndarray
    counts: np.ndarray  # int64
    ranks: np.ndarray  # average rank of each distinct value among all the repeated values
    tie_term: float  # sum of t^3 - t over the tie counts t


def _counted_ranks(values: np.ndarray, weights: np.ndarray) -> _CountedRanks:
    distinct, where = np.unique(values, return_inverse=True)
    counts = np.bincount(where, weights=weights, minlength=distinct.size).astype("int64")
    first = np.cumsum(counts) - counts + 1  # ordinal rank of each value's first copy
    # scipy: ordinal rank of the first copy + (t - 1)/2, in floats; half-integers, so exact.
    ranks = first.astype(float) + (counts.astype(float) - 1) / 2
    t = counts.astype(float)
    return _CountedRanks(distinct, counts, ranks, float(np.sum(t**3 - t)))


def _sum_by(where: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(where, weights=weights, minlength=size).astype("int64")


def compare_amounts(
    a: ArrayLike,
    b: ArrayLike,
    *,
    weights_a: ArrayLike | None = None,
    weights_b: ArrayLike | None = None,
) -> AmountComparison:
    """Mann–Whitney U test (two-sided) of two independent samples; missing values are dropped.

    scipy picks the exact distribution for small samples without ties, otherwise the normal
    approximation with tie and continuity corrections (as R's `wilcox.test`).

    `weights_a` / `weights_b` are frequency weights: value i of a stands for weights_a[i]
    observations (whole numbers, 0 drops it). The result equals the test on the values repeated:
    average ranks, U and the tie-corrected normal approximation come from the counts with
    scipy's formulas; when scipy could choose its exact null (a sample of 8 or fewer) the values
    are repeated and scipy is called.
    """
    x, wx = _counted(a, weights_a)
    y, wy = _counted(b, weights_b)
    n1, n2 = int(wx.sum()), int(wy.sum())
    if n1 == 0 or n2 == 0:
        raise ValueError("both samples need at least one value")
    if weights_a is None and weights_b is None:
        u, p = _mann_whitney_scipy(x, y)
    elif min(n1, n2) <= _MWU_EXACT_MAX:
        u, p = _mann_whitney_scipy(np.repeat(x, wx), np.repeat(y, wy))
    else:
        u, p = _mann_whitney_counted(x, wx, y, wy)
    return AmountComparison(
        test="Mann-Whitney U (two-sided)",
        statistic=u,
        p_value=p,
        rank_biserial=2 * u / (n1 * n2) - 1,
        n_a=n1,
        n_b=n2,
        median_a=weighted_median(x, wx),
        median_b=weighted_median(y, wy),
    )


def _mann_whitney_scipy(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    result = scipy.stats.mannwhitneyu(x, y, alternative="two-sided")
    return float(result.statistic), float(result.pvalue)


def _mann_whitney_counted(
    x: np.ndarray, wx: np.ndarray, y: np.ndarray, wy: np.ndarray
) -> tuple[float, float]:
    """U of the first sample and the two-sided p-value of scipy.stats.mannwhitneyu's normal
    approximation (tie-corrected variance, continuity correction) from counted values, with
    scipy's operations in scipy's order (scipy/stats/_mannwhitneyu.py); only the tie term is
    summed over distinct values rather than rows, which can move the last bit."""
    ranked = _counted_ranks(np.concatenate([x, y]), np.concatenate([wx, wy]))
    in_x = _sum_by(np.searchsorted(ranked.values, x), wx, ranked.values.size)
    n1, n2 = int(wx.sum()), int(wy.sum())
    r1 = np.sum(in_x * ranked.ranks)  # sum of the ranks of the first sample (exact)
    u1 = r1 - n1 * (n1 + 1) / 2
    u2 = n1 * n2 - u1
    u = np.maximum(u1, u2)
    mu = n1 * n2 / 2
    n = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):  # all values tied: s = 0
        s = np.sqrt(n1 * n2 / 12 * ((n + 1) - np.float64(ranked.tie_term) / (n * (n - 1))))
        z = (u - mu - 0.5) / s
    p = np.clip(scipy.special.ndtr(-z) * 2, 0.0, 1.0)
    return float(u1), float(p)


def paired_change(
    before: ArrayLike, after: ArrayLike, *, weights: ArrayLike | None = None
) -> PairedChange:
    """Wilcoxon signed-rank test (two-sided) of after − before on complete pairs.

    Zero differences are dropped before ranking (scipy's and R's default); when every pair is
    unchanged there is nothing to rank, and statistic and p-value are NaN.

    `weights` are frequency weights: pair i stands for weights[i] pairs (whole numbers, 0 drops
    it). The result equals the test on the pairs repeated: average ranks of |d|, the rank sums
    and the tie-corrected normal approximation come from the counts with scipy's formulas; with
    50 or fewer pairs, where scipy may choose an exact or permutation null, the differences are
    repeated and scipy is called.
    """
    x = np.asarray(before, dtype=float).ravel()
    y = np.asarray(after, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"before ({x.size}) and after ({y.size}) must be paired, same length")
    w = check_weights(weights, x.size)
    complete = ~(np.isnan(x) | np.isnan(y)) & (w > 0)
    diff, w = (y - x)[complete], w[complete]
    n_pairs = int(w.sum())
    if n_pairs == 0:
        raise ValueError("no complete pairs")
    n_zero = int(w[diff == 0].sum())
    if n_zero == n_pairs:
        statistic = p_value = float("nan")
    elif weights is None or n_pairs <= _WILCOXON_EXACT_MAX:
        result = scipy.stats.wilcoxon(np.repeat(diff, w), alternative="two-sided")
        statistic, p_value = float(result.statistic), float(result.pvalue)
    else:
        statistic, p_value = _signed_rank_counted(diff, w)
    return PairedChange(
        test="Wilcoxon signed-rank (two-sided)",
        statistic=statistic,
        p_value=p_value,
        median_difference=weighted_median(diff, w),
        n_pairs=n_pairs,
        n_zero=n_zero,
    )


def _signed_rank_counted(diff: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """min(W+, W−) and the two-sided p-value of scipy.stats.wilcoxon's normal approximation
    (zero_method "wilcox", no continuity correction, tie-corrected variance) from counted
    differences, with scipy's operations in scipy's order (scipy/stats/_wilcoxon.py); only the
    tie term is summed over distinct values rather than rows, which can move the last bit."""
    nonzero = diff != 0
    d, w = diff[nonzero], w[nonzero]
    ranked = _counted_ranks(np.abs(d), w)
    where = np.searchsorted(ranked.values, np.abs(d))
    positive = _sum_by(where, np.where(d > 0, w, 0), ranked.values.size)
    negative = ranked.counts - positive
    r_plus = np.sum(positive * ranked.ranks)  # half-integers: exact in any order
    r_minus = np.sum(negative * ranked.ranks)
    count = np.float64(w.sum())
    mn = count * (count + 1.0) * 0.25
    se = count * (count + 1.0) * (2.0 * count + 1.0)
    se = np.sqrt((se - ranked.tie_term / 2) / 24)
    z = (r_plus - mn) / se
    p = 2 * scipy.special.ndtr(-np.abs(z))
    return float(np.minimum(r_plus, r_minus)), float(p)


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
