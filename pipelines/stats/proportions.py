"""Confidence intervals for proportions (Wilson, Newcombe) and tests comparing them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy
from numpy.typing import ArrayLike

from pipelines.stats._checks import check_confidence


def wilson_interval(
    successes: ArrayLike, total: ArrayLike, confidence: float = 0.95
) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (no continuity correction).

    Scalars give a pair of floats, arrays a pair of arrays; a total of 0 gives (NaN, NaN).
    """
    check_confidence(confidence)
    x = np.asarray(successes, dtype=float)
    n = np.asarray(total, dtype=float)
    if np.isnan(x).any() or np.isnan(n).any():
        raise ValueError("successes and totals must not be missing")
    if ((x < 0) | (x > n)).any():
        raise ValueError("successes must be between 0 and the total")
    z = scipy.stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
        # Clip the rounding error at p = 0 or 1, where the exact limit is 0 or 1.
        low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def newcombe_difference(
    successes_1: int, total_1: int, successes_2: int, total_2: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Risk difference p1 − p2 with Newcombe's hybrid score interval (his method 10, 1998)."""
    if total_1 <= 0 or total_2 <= 0:
        raise ValueError("both totals must be above 0")
    p1, p2 = successes_1 / total_1, successes_2 / total_2
    l1, u1 = wilson_interval(successes_1, total_1, confidence)
    l2, u2 = wilson_interval(successes_2, total_2, confidence)
    diff = p1 - p2
    return (
        float(diff),
        float(diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)),
        float(diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)),
    )


@dataclass(frozen=True)
class ProportionComparison:
    """A test of equal proportions across groups and an effect size, each named."""

    test: str
    statistic: float  # chi-square; for Fisher's exact test, the sample odds ratio ad/bc
    df: int | None
    p_value: float
    effect_name: str
    effect: float
    effect_lower: float
    effect_upper: float
    proportions: tuple[float, ...]
    min_expected: float
    note: str = ""


def compare_proportions(
    successes: ArrayLike, totals: ArrayLike, *, correction: bool = True, confidence: float = 0.95
) -> ProportionComparison:
    """Compare proportions: chi-square on the 2×k table, Fisher's exact test for a sparse 2×2.

    Two groups: Fisher's exact test when any expected count is below 5, otherwise Pearson's
    chi-square (with Yates' continuity correction unless `correction=False`, as R's
    `prop.test`); effect size is the risk difference group 1 − group 2 with Newcombe's hybrid score
    interval. More groups: Pearson's chi-square without correction and Cramér's V (no interval);
    `note` warns when expected counts below 5 make the chi-square approximation doubtful.
    """
    check_confidence(confidence)
    x = np.asarray(successes, dtype=float).ravel()
    n = np.asarray(totals, dtype=float).ravel()
    if x.shape != n.shape or x.size < 2:
        raise ValueError("need successes and totals for at least 2 groups, of equal length")
    if np.isnan(x).any() or np.isnan(n).any() or (n <= 0).any():
        raise ValueError("every group needs a total above 0 and no missing counts")
    if ((x < 0) | (x > n)).any() or (x != np.round(x)).any() or (n != np.round(n)).any():
        raise ValueError("successes must be whole numbers between 0 and the total")
    table = np.vstack([x, n - x])
    # Expected counts under equal proportions, computed here so a 0 row does not raise.
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    min_expected = float(expected.min())
    proportions = tuple(float(p) for p in x / n)

    if x.size == 2:
        s1, n1, s2, n2 = (int(v) for v in (x[0], n[0], x[1], n[1]))
        diff, low, high = newcombe_difference(s1, n1, s2, n2, confidence)
        effect = {
            "effect_name": "risk difference (Newcombe hybrid score interval)",
            "effect": float(diff),
            "effect_lower": float(low),
            "effect_upper": float(high),
        }
        if min_expected < 5:
            odds_ratio, p_value = scipy.stats.fisher_exact(table.T)
            return ProportionComparison(
                test="Fisher's exact test",
                statistic=float(odds_ratio),
                df=None,
                p_value=float(p_value),
                proportions=proportions,
                min_expected=min_expected,
                **effect,
            )
        chi2, p_value, df, _ = scipy.stats.chi2_contingency(table, correction=correction)
        name = "Pearson chi-square" + (" with Yates' continuity correction" if correction else "")
        return ProportionComparison(
            test=name,
            statistic=float(chi2),
            df=int(df),
            p_value=float(p_value),
            proportions=proportions,
            min_expected=min_expected,
            **effect,
        )

    note = ""
    if min_expected < 5:
        note = "some expected counts are below 5; the chi-square approximation may be poor"
    if min_expected == 0:
        # Everyone or no one had the outcome: no variation to test.
        chi2 = p_value = cramers_v = float("nan")
        note = "every group has the same outcome for everyone; no test is possible"
    else:
        chi2, p_value, _, _ = scipy.stats.chi2_contingency(table, correction=False)
        cramers_v = float(np.sqrt(chi2 / table.sum()))  # min(rows, cols) − 1 = 1 for a 2×k table
    return ProportionComparison(
        test="Pearson chi-square",
        statistic=float(chi2),
        df=int(x.size - 1),
        p_value=float(p_value),
        effect_name="Cramér's V",
        effect=cramers_v,
        effect_lower=float("nan"),
        effect_upper=float("nan"),
        proportions=proportions,
        min_expected=min_expected,
        note=note,
    )
