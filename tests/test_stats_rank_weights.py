"""Frequency weights in the rank tests: a counted value stands for that many observations.

The metric functions hand the Wilcoxon signed-rank, Mann–Whitney and Kruskal–Wallis tests one
row per distinct value (or pair) with its count, instead of one row per episode. The reference
is the same function on the rows repeated, which calls scipy (itself checked against R in
test_stats.py). Floats must agree to rel=1e-12 with no absolute slack (p-values reach 1e-100
here), counts exactly. Data are on a coarse grid, so ties and zero differences are many.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pipelines.metrics._common import kruskal_wallis, mean_interval
from pipelines.stats import compare_amounts, paired_change, weighted_median


def _same(got: float, expected: float) -> None:
    assert got == pytest.approx(expected, rel=1e-12, abs=0.0, nan_ok=True)


def _pairs(seed: int, n: int, days: int = 30) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paired rates on a 1/days grid (ties, zero differences, some incomplete pairs), as rows
    and counted: one row per distinct (before, after) with its count `w`, shuffled."""
    rng = np.random.default_rng(seed)
    before = rng.integers(0, days + 1, n) / days
    after = np.clip(before + rng.integers(-days // 3, days // 2, n) / days, 0.0, 1.0)
    before[rng.random(n) < 0.05] = np.nan
    rows = pd.DataFrame({"before": before, "after": after})
    counted = rows.value_counts(dropna=False).reset_index(name="w")
    return rows, counted.sample(frac=1, random_state=seed)


def _assert_same_change(counted: pd.DataFrame, rows: pd.DataFrame) -> None:
    got = paired_change(counted["before"], counted["after"], weights=counted["w"])
    expected = paired_change(rows["before"], rows["after"])
    assert (got.test, got.n_pairs, got.n_zero) == (expected.test, expected.n_pairs, expected.n_zero)
    _same(got.statistic, expected.statistic)
    _same(got.p_value, expected.p_value)
    assert got.median_difference == expected.median_difference  # a middle value: exact


# n <= 50 is scipy's exact / permutation / small-sample regime (counted rows are repeated and
# scipy called); above, the normal approximation computed from the counts.
@pytest.mark.parametrize("n", [6, 13, 30, 50, 51, 80, 700, 30_000])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weighted_paired_change_equals_repeated_rows(seed: int, n: int) -> None:
    rows, counted = _pairs(seed, n)
    _assert_same_change(counted, rows)


@pytest.mark.parametrize("seed", [4, 5])
def test_weighted_paired_change_exact_regime_and_distinct_differences(seed: int) -> None:
    # Distinct differences, no zeros, at most 50: scipy uses its exact null distribution.
    rng = np.random.default_rng(seed)
    diff = rng.permutation(np.arange(1, 41)) * rng.choice([-1.0, 1.0], 40)
    rows = pd.DataFrame({"before": np.zeros(40), "after": diff})
    counted = rows.assign(w=1)
    _assert_same_change(counted, rows)
    # Differences with counts given directly (before = 0), approximation regime.
    rows, _ = _pairs(seed, 5_000)
    d = (rows["after"] - rows["before"]).dropna()
    by_difference = d.value_counts().rename_axis("after").reset_index(name="w")
    _assert_same_change(by_difference.assign(before=0.0), pd.DataFrame({"before": 0.0, "after": d}))


def test_weighted_paired_change_far_tail_and_zero_weights() -> None:
    # A large shift: p near 1e-100, where the z-score must agree to ~1e-15 for rel=1e-12.
    rows, counted = _pairs(6, 4_000)
    rows = rows.assign(after=np.clip(rows["after"] + 0.05, 0, 1))
    counted = rows.value_counts(dropna=False).reset_index(name="w")
    expected = paired_change(rows["before"], rows["after"])
    assert 0 < expected.p_value < 1e-50
    _assert_same_change(counted, rows)
    # Rows weighing 0 are nobody, however far out their values.
    ghost = pd.DataFrame({"before": [0.0, 1.0], "after": [1.0, 0.0], "w": [0, 0]})
    _assert_same_change(pd.concat([counted, ghost]), rows)


def test_weighted_paired_change_by_hand() -> None:
    # 60 pairs: d = -1 (10), 0 (5), +1 (30), +2 (15). Zeros dropped: 55 ranked. |d| = 1: 40 tied,
    # ranks 1..40, average 20.5; |d| = 2: ranks 41..55, average 48. W+ = 30*20.5 + 15*48 = 1335,
    # W- = 10*20.5 = 205 (sum 55*56/2 = 1540). Mean 55*56/4 = 770; tie-corrected variance
    # (55*56*111 - ((40^3 - 40) + (15^3 - 15))/2)/24 = (341880 - 33660)/24 = 12842.5.
    result = paired_change([0, 0, 0, 0], [-1, 0, 1, 2], weights=[10, 5, 30, 15])
    z = (1335 - 770) / math.sqrt(12842.5)
    assert (result.n_pairs, result.n_zero, result.statistic) == (60, 5, 205.0)
    assert result.p_value == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-12)
    assert result.median_difference == 1.0  # 30th and 31st of 60 sorted are both +1
    with pytest.raises(ValueError, match="whole numbers of people"):
        paired_change([0, 0], [1, 2], weights=[1, 0.5])
    with pytest.raises(ValueError, match="weights \\(1\\) differ"):
        paired_change([0, 0], [1, 2], weights=[1])
    with pytest.raises(ValueError, match="no complete pairs"):
        paired_change([0, np.nan], [1, 2], weights=[0, 3])


def _amounts(seed: int, n_a: int, n_b: int, shift: float = 1.0):
    """Two samples on a half-unit grid (ties), as rows and as distinct values with counts."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 25, n_a) / 2
    b = rng.integers(0, 25, n_b) / 2 + shift
    a[rng.random(n_a) < 0.05] = np.nan  # missing values are dropped
    counts_a = pd.Series(a).value_counts(dropna=False).sample(frac=1, random_state=seed)
    counts_b = pd.Series(b).value_counts(dropna=False).sample(frac=1, random_state=seed)
    return a, b, counts_a, counts_b


def _assert_same_amounts(got, expected) -> None:
    assert (got.test, got.n_a, got.n_b) == (expected.test, expected.n_a, expected.n_b)
    for field in ("statistic", "p_value", "rank_biserial"):
        _same(getattr(got, field), getattr(expected, field))
    assert (got.median_a, got.median_b) == (expected.median_a, expected.median_b)


# A sample of 8 or fewer is scipy's exact regime (counted values repeated, scipy called).
@pytest.mark.parametrize(("n_a", "n_b"), [(3, 5), (8, 40), (9, 9), (60, 25), (800, 3000)])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weighted_mann_whitney_equals_repeated_rows(seed: int, n_a: int, n_b: int) -> None:
    a, b, counts_a, counts_b = _amounts(seed, n_a, n_b)
    got = compare_amounts(
        counts_a.index, counts_b.index, weights_a=counts_a.to_numpy(), weights_b=counts_b
    )
    _assert_same_amounts(got, compare_amounts(a, b))


def test_weighted_mann_whitney_exact_without_ties_and_far_tail() -> None:
    # Distinct values, one sample of 6: scipy's exact null.
    a, b = np.arange(6.0) * 3, np.arange(20.0) * 2 + 1
    got = compare_amounts(a, b, weights_a=np.ones(6), weights_b=np.ones(20))
    _assert_same_amounts(got, compare_amounts(a, b))
    # Large samples, a strong shift: p far in the tail.
    a, b, counts_a, counts_b = _amounts(7, 20_000, 15_000, shift=1.5)
    expected = compare_amounts(a, b)
    assert 0 < expected.p_value < 1e-50
    got = compare_amounts(counts_a.index, counts_b.index, weights_a=counts_a, weights_b=counts_b)
    _assert_same_amounts(got, expected)


def test_weighted_mann_whitney_by_hand() -> None:
    # a = 1 (10), 2 (5); b = 2 (5), 3 (10). Average ranks 5.5, 15.5, 25.5: R_a = 55 + 77.5 = 132.5,
    # U_a = 132.5 - 15*16/2 = 12.5 (only the 25 tied 2-vs-2 pairs count, 1/2 each);
    # rank-biserial 2*12.5/225 - 1 = -8/9. Normal approximation: U = max(12.5, 212.5), mean
    # 112.5, sd sqrt(225/12 * (31 - 3*(10^3 - 10)/(30*29))), continuity 1/2.
    result = compare_amounts([1, 2], [2, 3], weights_a=[10, 5], weights_b=[5, 10])
    assert (result.statistic, result.n_a, result.n_b) == (12.5, 15, 15)
    assert result.rank_biserial == pytest.approx(-8 / 9, rel=1e-12)
    z = (212.5 - 112.5 - 0.5) / math.sqrt(225 / 12 * (31 - 2970 / 870))
    assert result.p_value == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-12)
    assert (result.median_a, result.median_b) == (1.0, 3.0)
    with pytest.raises(ValueError, match="at least one value"):
        compare_amounts([1, 2], [3], weights_a=[1, 1], weights_b=[0])
    with pytest.raises(ValueError, match="whole numbers of people"):
        compare_amounts([1, 2], [3], weights_a=[1, -1])


@pytest.mark.parametrize("n", [40, 3_000])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weighted_kruskal_equals_repeated_rows(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    rows = [rng.integers(0, 12, n + 7 * k) / 2 + k / 2 for k in range(4)]
    rows[1][rng.random(rows[1].size) < 0.1] = np.nan
    counts = [
        pd.Series(r).value_counts(dropna=False).sample(frac=1, random_state=seed) for r in rows
    ]
    # A sample with nothing in it (all missing or weighing 0) is left out, as an empty one.
    got = kruskal_wallis(
        [c.index for c in counts] + [[np.nan, 4.0]], [c.to_numpy() for c in counts] + [[3, 0]]
    )
    expected = kruskal_wallis(rows + [[np.nan]])
    assert (got.test, got.df) == (expected.test, expected.df) == ("Kruskal-Wallis H", 3)
    for field in ("statistic", "p_value", "epsilon_squared"):
        _same(getattr(got, field), getattr(expected, field))
    one_value = kruskal_wallis([[2.0], [2.0, np.nan]], [[5], [1, 1]])
    assert math.isnan(one_value.statistic) and one_value.df == 1
    with pytest.raises(ValueError, match="differ in number"):
        kruskal_wallis([[1.0], [2.0]], [[1]])


@pytest.mark.parametrize("seed", range(6))
def test_weighted_median_is_np_median_of_repeated_values(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=rng.integers(1, 30))
    weights = rng.integers(0, 4, values.size)
    weights[0] = max(weights[0], 1)
    assert weighted_median(values, weights) == np.median(np.repeat(values, weights))
    # Even count with different middle values: their mean; missing values dropped.
    assert weighted_median([3.0, 1.0, np.nan, 2.0], [1, 1, 5, 2]) == 2.0
    assert weighted_median([1.0, 4.0], [2, 2]) == 2.5
    assert math.isnan(weighted_median([1.0], [0]))


def test_mean_interval_on_counted_values_by_hand() -> None:
    # 0.2 once and 0.5 three times: mean 0.425; squared deviations 0.050625 + 3 x 0.005625 =
    # 0.0675, sd = sqrt(0.0675 / 3) = 0.15; half-width t(0.975, 3) = 3.182446305 x 0.15 / 2.
    mean, low, high = mean_interval([0.2, 0.5, np.nan], weights=[1, 3, 5])
    assert mean == pytest.approx(0.425, abs=1e-15)
    assert (low, high) == pytest.approx((0.425 - 0.2386834729, 0.425 + 0.2386834729), abs=1e-9)
    assert mean_interval([0.2, 0.5, 0.5, 0.5]) == pytest.approx((mean, low, high), abs=1e-15)
    assert mean_interval([0.3], weights=[1])[1:] == pytest.approx((np.nan, np.nan), nan_ok=True)
