"""Frequency weights in the survival statistics: a counted row stands for that many people.

The metric functions hand pipelines.stats one row per distinct (group, time, event) with its
count, instead of one row per episode (docs/performance.md). The references here are the same
statistics on the rows repeated (itself checked against lifelines and R in test_stats.py) and,
for the curve, scipy.stats.ecdf on the repeated rows.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pipelines.stats import hazard_ratio_logrank, kaplan_meier, km_median, km_median_ci, logrank


def _counted(seed: int, n: int = 400, days: int = 12):
    """Rows with many ties, counted: (times, events, groups, weights) and the repeated rows."""
    rng = np.random.default_rng(seed)
    t = rng.integers(0, days, size=n).astype(float)
    e = rng.random(n) < 0.6
    g = np.where(rng.random(n) < 0.4, "a", "b")
    frame = pd.DataFrame({"t": t, "e": e, "g": g})
    counted = frame.value_counts().reset_index(name="w").sample(frac=1, random_state=seed)
    return counted, frame


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weighted_curve_equals_repeated_rows(seed: int) -> None:
    counted, frame = _counted(seed)
    weighted = kaplan_meier(counted["t"], counted["e"], weights=counted["w"])
    pd.testing.assert_frame_equal(weighted, kaplan_meier(frame["t"], frame["e"]))
    assert km_median(counted["t"], counted["e"], weights=counted["w"]) == km_median(
        frame["t"], frame["e"]
    )
    assert km_median_ci(counted["t"], counted["e"], weights=counted["w"]) == km_median_ci(
        frame["t"], frame["e"]
    )


def test_curve_matches_scipy_ecdf_to_the_last_bit() -> None:
    counted, frame = _counted(4, n=2000, days=40)
    curve = kaplan_meier(counted["t"], counted["e"], weights=counted["w"])
    t, e = frame["t"].to_numpy(), frame["e"].to_numpy()
    fit = stats.ecdf(stats.CensoredData(uncensored=t[e], right=t[~e]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        band = fit.sf.confidence_interval(method="log-log")
    at = curve["time"].to_numpy()
    defined = (curve["survival"] > 0) & (curve["survival"] < 1)
    np.testing.assert_array_equal(curve["survival"], fit.sf.evaluate(at))
    np.testing.assert_array_equal(curve["lower"][defined], band.low.evaluate(at)[defined])
    np.testing.assert_array_equal(curve["upper"][defined], band.high.evaluate(at)[defined])


@pytest.mark.parametrize("seed", [5, 6])
def test_weighted_logrank_equals_repeated_rows(seed: int) -> None:
    counted, frame = _counted(seed)
    weighted = logrank(counted["t"], counted["e"], counted["g"], weights=counted["w"])
    repeated = logrank(frame["t"], frame["e"], frame["g"])
    assert weighted.n == repeated.n and weighted.observed == repeated.observed
    assert weighted.statistic == pytest.approx(repeated.statistic, rel=1e-12)
    assert weighted.expected == pytest.approx(repeated.expected, rel=1e-12)
    hr = hazard_ratio_logrank(counted["t"], counted["e"], counted["g"], weights=counted["w"])
    assert hr.hazard_ratio == pytest.approx(
        hazard_ratio_logrank(frame["t"], frame["e"], frame["g"]).hazard_ratio, rel=1e-12
    )


def test_zero_weights_drop_rows_and_bad_weights_are_refused() -> None:
    # Hand-worked: the weight-0 rows (day 1 event, day 9 censored) are nobody; what remains is
    # 2 events and 1 censored on day 2 and 1 censored on day 5: 4 at risk on day 2,
    # S(2) = (4 - 2) / 4 = 0.5, and S(5) = 0.5.
    curve = kaplan_meier([1, 2, 2, 5, 9], [1, 1, 0, 0, 0], weights=[0, 2, 1, 1, 0])
    assert curve["time"].tolist() == [0.0, 2.0, 5.0]
    assert curve["at_risk"].tolist() == [4, 4, 1]
    assert curve["survival"].tolist() == pytest.approx([1.0, 0.5, 0.5])
    assert kaplan_meier([3], [1], weights=[0]).empty
    for bad in ([1.5, 1], [-1, 1], [np.nan, 1]):
        with pytest.raises(ValueError, match="whole numbers of people"):
            kaplan_meier([1, 2], [1, 0], weights=bad)
    with pytest.raises(ValueError, match="weights \\(1\\) differ"):
        logrank([1, 2], [1, 0], ["a", "b"], weights=[1])
