"""Textbook formulas written out longhand, to check the metrics against (not the product's code)."""

from __future__ import annotations

import math

Z95 = 1.959963984540054  # standard normal 97.5% quantile


def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval (Wilson 1927; Newcombe 1998, method 3)."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def ratio_ci(pairs: list[tuple[float, float]], z: float = Z95) -> tuple[float, float, float]:
    """Ratio of sums r = Σy/Σx with the linearization (cluster) variance, clipped to [0, 1]."""
    m = len(pairs)
    total = sum(x for _, x in pairs)
    r = sum(y for y, _ in pairs) / total
    ss = sum((y - r * x) ** 2 for y, x in pairs)
    se = math.sqrt(m / (m - 1) * ss) / total
    return r, max(0.0, r - z * se), min(1.0, r + z * se)


def loglog_band(s: float, greenwood: float, z: float = Z95) -> tuple[float, float]:
    """Kaplan–Meier log-log band: S^exp(±z·se), se = sqrt(Greenwood sum) / |log S|."""
    se = math.sqrt(greenwood) / abs(math.log(s))
    return s ** math.exp(z * se), s ** math.exp(-z * se)
