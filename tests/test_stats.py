"""Statistics library: hand-worked small examples and independent references on real data.

Real-data reference numbers come from lifelines 0.30.3 (pandas 2.3.3, numpy 2.4.6) in a throwaway
virtualenv outside the repo:
    python3 -m venv /tmp/refenv && /tmp/refenv/bin/pip install lifelines "pandas<3"
    kmf = KaplanMeierFitter().fit(T, E)
    S(t), band: kmf.survival_function_.loc[:t].iloc[-1], kmf.confidence_interval_.loc[:t].iloc[-1]
    median: kmf.median_survival_time_, median_survival_times(kmf.confidence_interval_)
    lifelines.statistics.logrank_test / multivariate_logrank_test: test_statistic, p_value
(printed with repr, full precision). Data as read with pandas.read_csv; HELPrct rows missing
daysanysub or anysubstatus dropped.
Expected events, the log-rank variance and the Peto hazard ratios come from a plain per-event-time
loop in that same virtualenv (pandas filters, no vectorisation), written separately from
pipelines.stats. Where R's median convention differs from lifelines, the median was worked out by
hand from the exact (fractional) product-limit curve; see test_km_median_r_convention_real_data.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pipelines.stats import (
    benjamini_hochberg,
    compare_amounts,
    compare_proportions,
    hazard_ratio_logrank,
    kaplan_meier,
    km_median,
    km_median_ci,
    logrank,
    newcombe_difference,
    paired_change,
    survival_at,
    wilson_interval,
)

Z95 = 1.959963984540054  # standard normal 97.5% quantile

# 8 people: durations and events (1 = event). Worked by hand:
#   t  at risk  events  censored  S
#   0     8       0        0     1
#   1     8       1        0     7/8            = 0.875
#   2     7       1        1     7/8 * 6/7      = 0.75
#   3     5       1        0     0.75 * 4/5     = 0.6
#   4     4       0        1     0.6
#   5     3       2        0     0.6 * 1/3      = 0.2
#   6     1       0        1     0.2
TINY_T = [1, 2, 2, 3, 4, 5, 5, 6]
TINY_E = [1, 1, 0, 1, 0, 1, 1, 0]


# --- Kaplan–Meier: hand-worked ---------------------------------------------------------------


def test_km_tiny_by_hand() -> None:
    curve = kaplan_meier(TINY_T, TINY_E)
    assert list(curve.columns) == [
        "time", "survival", "lower", "upper", "at_risk", "events", "censored",
    ]  # fmt: skip
    assert curve["time"].tolist() == [0, 1, 2, 3, 4, 5, 6]
    np.testing.assert_allclose(curve["survival"], [1, 0.875, 0.75, 0.6, 0.6, 0.2, 0.2], atol=1e-12)
    assert curve["at_risk"].tolist() == [8, 8, 7, 5, 4, 3, 1]
    assert curve["events"].tolist() == [0, 1, 1, 1, 0, 2, 0]
    assert curve["censored"].tolist() == [0, 0, 1, 0, 1, 0, 1]


def test_km_log_log_band_by_formula() -> None:
    # Log-log band (Kalbfleisch–Prentice): S ** exp(±z * se), se = sqrt(Greenwood sum) / |log S|.
    # At t = 1: Greenwood sum = 1/(8*7); at t = 3: 1/(8*7) + 1/(7*6) + 1/(5*4).
    curve = kaplan_meier(TINY_T, TINY_E).set_index("time")
    for t, s, greenwood in [(1, 0.875, 1 / 56), (3, 0.6, 1 / 56 + 1 / 42 + 1 / 20)]:
        se = math.sqrt(greenwood) / abs(math.log(s))
        assert curve.loc[t, "lower"] == pytest.approx(s ** math.exp(Z95 * se), abs=1e-12)
        assert curve.loc[t, "upper"] == pytest.approx(s ** math.exp(-Z95 * se), abs=1e-12)
    # Same numbers from lifelines 0.30.3 (t = 1): 0.387000, 0.981393.
    assert curve.loc[1, "lower"] == pytest.approx(0.3870000, abs=1e-6)
    assert curve.loc[1, "upper"] == pytest.approx(0.9813930, abs=1e-6)


def test_km_edge_cases() -> None:
    empty = kaplan_meier([], [])
    assert empty.empty and "survival" in empty.columns

    censored = kaplan_meier([2, 3, 5], [0, 0, 0])
    assert (censored["survival"] == 1).all()
    assert (censored["lower"] == 1).all() and (censored["upper"] == 1).all()
    assert math.isnan(km_median([2, 3, 5], [0, 0, 0]))

    # Curve reaching 0: 2/3, 1/3, 0; the log-log band is undefined at 0 -> NaN.
    to_zero = kaplan_meier([1, 2, 3], [True, True, True])
    np.testing.assert_allclose(to_zero["survival"], [1, 2 / 3, 1 / 3, 0], atol=1e-12)
    assert to_zero[["lower", "upper"]].iloc[-1].isna().all()
    assert to_zero[["lower", "upper"]].iloc[:-1].notna().all().all()

    # Events at time 0 count at time 0: the time-0 row is then below 1.
    at_zero = kaplan_meier([0, 0, 1, 2], [1, 0, 1, 0])
    assert at_zero["time"].tolist() == [0, 1, 2]
    assert at_zero["survival"].iloc[0] == pytest.approx(0.75)
    assert at_zero["at_risk"].tolist() == [4, 2, 1]


@pytest.mark.parametrize(
    ("durations", "events", "message"),
    [
        ([1, 2], [1], "differ in length"),
        ([1, -2], [1, 1], "negative"),
        ([1, np.nan], [1, 1], "finite"),
        ([1, 2], [1, 2], "0/1"),
    ],
)
def test_km_rejects_bad_input(durations, events, message) -> None:
    with pytest.raises(ValueError, match=message):
        kaplan_meier(durations, events)


def test_survival_at_step_function_and_at_risk() -> None:
    curve = kaplan_meier(TINY_T, TINY_E)
    got = survival_at(curve, [-1, 0, 1, 2.5, 5.5, 6, 7]).set_index("time")
    # Right-continuous: S(1) already includes the event at 1; S(2.5) = S(2).
    np.testing.assert_allclose(got["survival"].iloc[:6], [1, 1, 0.875, 0.75, 0.2, 0.2])
    # At risk at t = number with duration >= t: 8, 8, 8, 5 (3,4,5,5,6), 1 (6), 1, 0.
    assert got["at_risk"].tolist() == [8, 8, 8, 5, 1, 1, 0]
    # After the last follow-up (6) the curve is unknown.
    assert got.loc[7.0, ["survival", "lower", "upper"]].isna().all()
    assert got.loc[2.5, "lower"] == curve.set_index("time").loc[2, "lower"]

    ended = survival_at(kaplan_meier([1, 2, 3], [1, 1, 1]), [10])
    assert ended["survival"].iloc[0] == 0 and ended["at_risk"].iloc[0] == 0

    nothing = survival_at(kaplan_meier([], []), [30])
    assert math.isnan(nothing["survival"].iloc[0]) and nothing["at_risk"].iloc[0] == 0


# --- Median ----------------------------------------------------------------------------------


def test_km_median_midpoint_rule_by_hand() -> None:
    # S = 3/4, 1/2, 1/4, 0 at 1, 2, 3, 4: flat at exactly 0.5 on [2, 3) -> R gives (2 + 3) / 2.
    # (lifelines gives 2. In floating point 3/4 * 2/3 is 0.49999999999999994, which R's tolerance
    # sqrt(machine eps) still treats as 0.5.)
    assert km_median([1, 2, 3, 4], [1, 1, 1, 1]) == 2.5
    # Flat at 0.5 until the last follow-up (4, censored): midpoint of 2 and 4.
    assert km_median([1, 2, 3, 4], [1, 1, 0, 0]) == 3.0
    # Not flat at 0.5: first time at or below 0.5. S = 0.875, 0.75, 0.6, 0.2 -> 5.
    assert km_median(TINY_T, TINY_E) == 5.0
    # Never reaches 0.5.
    assert math.isnan(km_median([1, 2, 3], [1, 0, 0]))
    assert math.isnan(km_median([], []))


def test_km_median_ci_tiny() -> None:
    # 4 events at 1..4: lower band (log-log) at t = 1 is 0.1279 <= 0.5, so the lower limit is 1;
    # the upper band is undefined once S = 0 and above 0.5 before, so no upper limit.
    # Band at t = 1 by formula: S = 0.75, se = sqrt(1/12) / |log 0.75|.
    se = math.sqrt(1 / 12) / abs(math.log(0.75))
    assert 0.75 ** math.exp(Z95 * se) < 0.5
    # Upper band at t = 3 (S = 1/4, Greenwood 1/12 + 1/6 + 1/2 = 3/4) is 0.665 > 0.5.
    se = math.sqrt(3 / 4) / abs(math.log(0.25))
    assert 0.25 ** math.exp(-Z95 * se) > 0.5
    low, high = km_median_ci([1, 2, 3, 4], [1, 1, 1, 1])
    assert low == 1.0 and math.isnan(high)


# --- Log-rank and the Peto hazard ratio: hand-worked --------------------------------------------

# Group A: events at 1 and 3; group B: event at 2, censored at 4. By hand, per event time:
#   t=1: n=4 (A2 B2), d=1 -> E_A += 2/4,  V += 1*3/3 * (2/4)(2/4) = 1/4
#   t=2: n=3 (A1 B2), d=1 -> E_A += 1/3,  V += 1*2/2 * (1/3)(2/3) = 2/9
#   t=3: n=2 (A1 B1), d=1 -> E_A += 1/2,  V += 1*1/1 * (1/2)(1/2) = 1/4
# O_A = 2, E_A = 4/3, O_B = 1, E_B = 5/3, V = 13/18, chi-square = (2/3)^2 / (13/18) = 8/13.
HAND_T = [1, 3, 2, 4]
HAND_E = [1, 1, 1, 0]
HAND_G = ["A", "A", "B", "B"]


def test_logrank_by_hand() -> None:
    result = logrank(HAND_T, HAND_E, HAND_G)
    assert result.groups == ("A", "B")
    assert result.observed == (2, 1)
    np.testing.assert_allclose(result.expected, [4 / 3, 5 / 3], atol=1e-12)
    assert result.statistic == pytest.approx(8 / 13, abs=1e-12)
    assert result.df == 1
    assert result.p_value == pytest.approx(stats.chi2.sf(8 / 13, 1), abs=1e-12)
    table = result.table()
    assert table["observed_minus_expected"].tolist() == pytest.approx([2 / 3, -2 / 3])


def test_hazard_ratio_peto_by_hand() -> None:
    # B against A: (O_B - E_B) / V = (-2/3) / (13/18) = -12/13; se = 1 / sqrt(13/18).
    hr = hazard_ratio_logrank(HAND_T, HAND_E, HAND_G)
    assert (hr.group, hr.reference) == ("B", "A")
    assert hr.log_hazard_ratio == pytest.approx(-12 / 13, abs=1e-12)
    assert hr.hazard_ratio == pytest.approx(math.exp(-12 / 13), abs=1e-12)
    se = 1 / math.sqrt(13 / 18)
    assert hr.lower == pytest.approx(math.exp(-12 / 13 - Z95 * se), abs=1e-12)
    assert hr.upper == pytest.approx(math.exp(-12 / 13 + Z95 * se), abs=1e-12)
    # O/E ratio: (1 / (5/3)) / (2 / (4/3)) = 0.6 / 1.5.
    assert hr.oe_ratio == pytest.approx(0.4, abs=1e-12)
    flipped = hazard_ratio_logrank(HAND_T, HAND_E, HAND_G, reference="B")
    assert flipped.hazard_ratio == pytest.approx(math.exp(12 / 13), abs=1e-12)


def test_logrank_two_groups_equals_scipy_with_ties() -> None:
    rng = np.random.default_rng(7)
    t = rng.integers(1, 15, size=60)  # few distinct days: many tied events and censorings
    e = rng.random(60) < 0.7
    g = np.where(rng.random(60) < 0.5, "x", "y")
    ours = logrank(t, e, g)
    x, y = g == "x", g == "y"
    reference = stats.logrank(
        stats.CensoredData(uncensored=t[x & e], right=t[x & ~e]),
        stats.CensoredData(uncensored=t[y & e], right=t[y & ~e]),
    )
    assert ours.statistic == pytest.approx(reference.statistic**2, abs=1e-10)
    assert ours.p_value == pytest.approx(reference.pvalue, abs=1e-10)


def test_logrank_edge_cases() -> None:
    with pytest.raises(ValueError, match="at least 2 groups; got 1"):
        logrank([1, 2, 3], [1, 1, 0], ["a", "a", "a"])
    with pytest.raises(ValueError, match="missing"):
        logrank([1, 2, 3], [1, 1, 0], ["a", None, "b"])
    no_events = logrank([1, 2, 3, 4], [0, 0, 0, 0], ["a", "b", "a", "b"])
    assert math.isnan(no_events.statistic) and no_events.df == 0
    # Group C is censored before the first event, so it is never at risk at an event time:
    # left out of the test (as R's survdiff), which then equals the A-vs-B test.
    with_c = logrank([*HAND_T, 0.5, 0.5], [*HAND_E, 0, 0], [*HAND_G, "C", "C"])
    assert with_c.df == 1
    assert with_c.statistic == pytest.approx(8 / 13, abs=1e-12)
    with pytest.raises(ValueError, match="exactly 2 groups"):
        hazard_ratio_logrank([*HAND_T, 5], [*HAND_E, 1], [*HAND_G, "C"])
    with pytest.raises(ValueError, match="not one of the groups"):
        hazard_ratio_logrank(HAND_T, HAND_E, HAND_G, reference="Z")


# --- Real data against lifelines ---------------------------------------------------------------


def _load(survival_dir: Path, name: str) -> tuple[pd.DataFrame, str, str, str]:
    if name == "uis":
        return pd.read_csv(survival_dir / "uis.csv"), "TIME", "CENSOR", "TREAT"
    if name == "pharmacoSmoking":
        return pd.read_csv(survival_dir / "pharmacoSmoking.csv"), "ttr", "relapse", "grp"
    # HELPrct: 209 people have no follow-up for first use; the analysis set is the 244 with both.
    helprct = pd.read_csv(survival_dir / "HELPrct.csv")
    return (
        helprct.dropna(subset=["daysanysub", "anysubstatus"]),
        "daysanysub",
        "anysubstatus",
        "treat",
    )


# (data set, time): survival, lower, upper (lifelines 0.30.3), at risk = count of duration >= t.
KM_REFERENCE = [
    ("uis", 30, 0.9182608695652171, 0.8927000751793348, 0.9379445237973759, 530),
    ("uis", 90, 0.7199999999999996, 0.681374875688449, 0.7548092474538657, 418),
    ("uis", 180, 0.4817391304347825, 0.4403229476878235, 0.5218839064079149, 279),
    ("uis", 365, 0.25565217391304335, 0.22073631879527103, 0.29189467006393977, 147),
    ("uis", 730, 0.16527086219490697, 0.11693844749969741, 0.2209112113813041, 5),
    ("pharmacoSmoking", 0, 0.9039999999999999, 0.837145475531867, 0.9443078596207857, 125),
    ("pharmacoSmoking", 30, 0.5279999999999996, 0.43696500401236404, 0.6109908336310907, 69),
    ("pharmacoSmoking", 90, 0.3679999999999999, 0.28423630479502365, 0.451841545524561, 46),
    ("pharmacoSmoking", 182, 0.28799999999999987, 0.21154203019413448, 0.36878465759178264, 36),
    ("HELPrct", 0, 0.9549180327868846, 0.920074027593558, 0.9747781849509272, 244),
    ("HELPrct", 30, 0.5491803278688522, 0.48456235055388497, 0.6090978069836189, 137),
    ("HELPrct", 60, 0.4303278688524588, 0.3676332986382556, 0.4913866626422462, 105),
    ("HELPrct", 180, 0.24639410252375074, 0.19377129077134753, 0.30247930999118966, 43),
]


@pytest.mark.shared_data
@pytest.mark.parametrize(("name", "t", "survival", "lower", "upper", "at_risk"), KM_REFERENCE)
def test_km_matches_lifelines(survival_dir, name, t, survival, lower, upper, at_risk) -> None:
    df, time, event, _ = _load(survival_dir, name)
    got = survival_at(kaplan_meier(df[time], df[event]), [t]).iloc[0]
    assert got["survival"] == pytest.approx(survival, abs=1e-9)
    assert got["lower"] == pytest.approx(lower, abs=1e-9)
    assert got["upper"] == pytest.approx(upper, abs=1e-9)
    assert got["at_risk"] == at_risk


# Medians where no curve sits exactly at 0.5, so R = lifelines (median_survival_time_ and
# median_survival_times(confidence_interval_); lifelines' inf upper limit -> NaN here).
MEDIAN_REFERENCE = [
    ("uis", None, 170.0, 156.0, 189.0),
    ("uis", 0, 142.0, 119.0, 162.0),
    ("pharmacoSmoking", None, 49.0, 21.0, 65.0),
    ("pharmacoSmoking", "combination", 65.0, 42.0, math.nan),
    ("HELPrct", None, 33.0, 28.0, 57.0),
    ("HELPrct", "no", 32.0, 16.0, 61.0),
]


@pytest.mark.shared_data
@pytest.mark.parametrize(("name", "group", "median", "low", "high"), MEDIAN_REFERENCE)
def test_km_median_matches_lifelines(survival_dir, name, group, median, low, high) -> None:
    df, time, event, by = _load(survival_dir, name)
    if group is not None:
        df = df[df[by] == group]
    assert km_median(df[time], df[event]) == median
    got_low, got_high = km_median_ci(df[time], df[event])
    assert got_low == low
    assert got_high == high or (math.isnan(high) and math.isnan(got_high))


# Curves that sit exactly at 0.5, worked by hand from the exact product-limit fractions:
# - uis TREAT=1: S(200) = 1/2 exactly (143/286 after 144 at risk, 1 event); next event at 203.
#   R median (200 + 203)/2 = 201.5; lifelines 200.
# - pharmacoSmoking patchOnly: S(21) = 1/2 (32/64); next event at 25. R: 23. lifelines says 25:
#   its float product is 0.5000000000000002 > 0.5 at 21.
# - HELPrct treat=yes: S(36) = 1/2 (65/130); next event at 47. R: 41.5; lifelines 36.
# Confidence limits are lifelines' (the bands do not sit at 0.5).
R_MEDIANS = [
    ("uis", 1, 201.5, 176.0, 231.0),
    ("pharmacoSmoking", "patchOnly", 23.0, 14.0, 49.0),
    ("HELPrct", "yes", 41.5, 18.0, 63.0),
]


@pytest.mark.shared_data
@pytest.mark.parametrize(("name", "group", "median", "low", "high"), R_MEDIANS)
def test_km_median_r_convention_real_data(survival_dir, name, group, median, low, high) -> None:
    df, time, event, by = _load(survival_dir, name)
    df = df[df[by] == group]
    assert km_median(df[time], df[event]) == median
    assert km_median_ci(df[time], df[event]) == (low, high)


# Log-rank chi-square and p (lifelines); observed, expected, V and Peto HR (second group against
# the first in sorted order) from the per-event-time loop.
LOGRANK_REFERENCE = [
    (
        "uis", 6.528395294577138, 0.010616569363859718, (239, 225),
        (211.69331539516872, 252.30668460483125), 114.21719893816946,
        (0.7873543962196948, 0.6554261506828928, 0.9458379782383939),
    ),
    (
        "pharmacoSmoking", 8.02763413956485, 0.004606897597424425, (37, 52),
        (49.947479995297584, 39.05252000470241), 20.88252096622314,
        (1.8589562605500054, 1.2105981853179895, 2.8545544017401125),
    ),
    (
        "HELPrct", 0.22352391987507128, 0.6363678869710411, (88, 100),
        (84.81794742547747, 103.18205257452254), 45.29921716067224,
        (0.9321652248606168, 0.6966634602112366, 1.2472765633150529),
    ),
]  # fmt: skip


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("name", "chi2", "p", "observed", "expected", "variance", "peto"), LOGRANK_REFERENCE
)
def test_logrank_matches_lifelines(
    survival_dir, name, chi2, p, observed, expected, variance, peto
) -> None:
    df, time, event, by = _load(survival_dir, name)
    result = logrank(df[time], df[event], df[by])
    assert result.statistic == pytest.approx(chi2, abs=1e-9)
    assert result.p_value == pytest.approx(p, abs=1e-9)
    assert result.observed == observed
    np.testing.assert_allclose(result.expected, expected, atol=1e-9)
    hr = hazard_ratio_logrank(df[time], df[event], df[by])
    assert hr.variance == pytest.approx(variance, abs=1e-9)
    assert (hr.hazard_ratio, hr.lower, hr.upper) == pytest.approx(peto, abs=1e-9)


@pytest.mark.shared_data
def test_logrank_k_groups_matches_lifelines(survival_dir) -> None:
    # lifelines multivariate_logrank_test: HELPrct by substance, 3 groups.
    helprct, time, event, _ = _load(survival_dir, "HELPrct")
    result = logrank(helprct[time], helprct[event], helprct["substance"])
    assert result.df == 2
    assert result.statistic == pytest.approx(6.817776959753013, abs=1e-9)
    assert result.p_value == pytest.approx(0.03307794675339487, abs=1e-9)
    assert result.observed == (70, 67, 51)
    np.testing.assert_allclose(
        result.expected, [73.4217912176139, 77.29083120051584, 37.28737758187028], atol=1e-9
    )
    # uis by TREAT x SITE, 4 groups.
    uis, time, event, _ = _load(survival_dir, "uis")
    cells = uis["TREAT"].astype(str) + "-" + uis["SITE"].astype(str)
    result = logrank(uis[time], uis[event], cells)
    assert result.df == 3
    assert result.statistic == pytest.approx(9.08989765641223, abs=1e-9)
    assert result.p_value == pytest.approx(0.028119220503498018, abs=1e-9)


# --- Proportions -------------------------------------------------------------------------------


def test_wilson_interval_by_formula() -> None:
    # 8 of 10, z = 1.959964, z^2 = 3.841459:
    #   centre = (0.8 + z^2/20) / (1 + z^2/10)                 = 0.99207295 / 1.3841459 = 0.716740
    #   half   = z / (1 + z^2/10) * sqrt(0.8*0.2/10 + z^2/400) = 1.416011 * 0.1600114   = 0.226578
    # -> (0.490162, 0.943318)
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4901625, abs=1e-6)
    assert high == pytest.approx(0.9433178, abs=1e-6)
    ci = stats.binomtest(8, 10).proportion_ci(method="wilson")
    assert (low, high) == pytest.approx((ci.low, ci.high), abs=1e-12)
    # 0 of 10: lower 0 exactly, upper z^2 / (10 + z^2) = 3.841459 / 13.841459 = 0.277533.
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775328), abs=1e-6)


def test_wilson_interval_vectorised_and_zero_total() -> None:
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    low, high = wilson_interval(np.array([8, 0, 3]), np.array([10, 0, 3]))
    assert low[0] == pytest.approx(0.4901625, abs=1e-6) and math.isnan(low[1])
    assert high[2] == 1.0
    with pytest.raises(ValueError, match="between 0 and the total"):
        wilson_interval(11, 10)


def test_newcombe_difference_published_example() -> None:
    # Newcombe (1998), Stat Med 17:873, example 56/70 vs 48/80, method 10: 0.0524 to 0.3339.
    diff, low, high = newcombe_difference(56, 70, 48, 80)
    assert diff == pytest.approx(0.2, abs=1e-12)
    assert low == pytest.approx(0.0524, abs=5e-5)
    assert high == pytest.approx(0.3339, abs=5e-5)


def test_compare_proportions_two_groups_chi_square() -> None:
    # Yates: N (|ad - bc| - N/2)^2 / (r1 r2 c1 c2) with a,b,c,d = 56,14 / 48,32, N = 150:
    # 150 * (|56*32 - 14*48| - 75)^2 / (104 * 46 * 70 * 80) = 150 * 1045^2 / 26790400.
    result = compare_proportions([56, 48], [70, 80])
    assert result.test.startswith("Pearson chi-square with Yates")
    assert result.statistic == pytest.approx(150 * 1045**2 / 26790400, abs=1e-9)
    assert result.df == 1
    assert result.effect == pytest.approx(0.2)
    assert (result.effect_lower, result.effect_upper) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    plain = compare_proportions([56, 48], [70, 80], correction=False)
    # Without correction: N (ad - bc)^2 / (r1 r2 c1 c2) = 150 * 1120^2 / 26790400.
    assert plain.statistic == pytest.approx(150 * 1120**2 / 26790400, abs=1e-9)


def test_compare_proportions_sparse_uses_fisher() -> None:
    # 1 of 8 vs 6 of 8: expected successes 3.5 < 5 -> Fisher. Hypergeometric with 7 successes
    # among 16, 8 per group: P(x) = C(8,x) C(8,7-x) / C(16,7), C(16,7) = 11440; weights for
    # x = 0..7: 8, 224, 1568, 3920, 3920, 1568, 224, 8. Two-sided p = P(x in {0,1,6,7})
    # = 464 / 11440. Odds ratio (1*2)/(7*6) = 1/21.
    result = compare_proportions([1, 6], [8, 8])
    assert result.test == "Fisher's exact test"
    assert result.p_value == pytest.approx(464 / 11440, abs=1e-12)
    assert result.statistic == pytest.approx(1 / 21, abs=1e-12)
    assert result.min_expected == pytest.approx(3.5)


def test_compare_proportions_k_groups_cramers_v() -> None:
    # [2, 8, 5] of 10 each: expected 5 in every cell, chi-square = (9+9+0+9+9+0)/5 = 7.2,
    # p = exp(-7.2/2) on 2 df, Cramér's V = sqrt(7.2 / 30).
    result = compare_proportions([2, 8, 5], [10, 10, 10])
    assert result.statistic == pytest.approx(7.2, abs=1e-12)
    assert result.df == 2
    assert result.p_value == pytest.approx(math.exp(-3.6), abs=1e-12)
    assert result.effect_name == "Cramér's V"
    assert result.effect == pytest.approx(math.sqrt(0.24), abs=1e-12)
    sparse = compare_proportions([1, 2, 0], [4, 4, 4])
    assert "below 5" in sparse.note
    nobody = compare_proportions([0, 0, 0], [10, 10, 10])
    assert math.isnan(nobody.p_value) and "no test" in nobody.note


def test_compare_proportions_rejects_zero_total() -> None:
    with pytest.raises(ValueError, match="total above 0"):
        compare_proportions([0, 3], [0, 10])
    with pytest.raises(ValueError, match="at least 2 groups"):
        compare_proportions([3], [10])


# --- Amounts, paired change, multiple testing ----------------------------------------------------


def test_compare_amounts_by_hand() -> None:
    # Every a is below every b: U_a = 0, rank-biserial = 2*0/(3*2) - 1 = -1. Exact null: the
    # C(5,2) = 10 placements of b are equally likely; two-sided p = 2 * 1/10.
    result = compare_amounts([1, 2, 3], [4, 5])
    assert result.statistic == 0 and result.rank_biserial == -1
    assert result.p_value == pytest.approx(0.2, abs=1e-12)
    # With ties: a = 1,2,2,5 vs b = 2,3,4. Pairs a > b count 1, ties 1/2: a=2 gives 0.5 twice,
    # a=5 gives 3 -> U = 4, rank-biserial = 8/12 - 1 = -1/3. Missing values are dropped.
    tied = compare_amounts([1, 2, 2, 5, np.nan], [2, 3, 4])
    assert tied.statistic == 4 and tied.rank_biserial == pytest.approx(-1 / 3)
    assert (tied.n_a, tied.median_a, tied.median_b) == (4, 2.0, 3.0)
    with pytest.raises(ValueError, match="at least one value"):
        compare_amounts([], [1, 2])


def test_paired_change_by_hand() -> None:
    # Differences 1, 2, 3, 5: all positive, no ties -> W- = 0; exact two-sided p = 2 / 2^4.
    result = paired_change([1, 2, 3, 4], [2, 4, 6, 9])
    assert result.statistic == 0
    assert result.p_value == pytest.approx(0.125, abs=1e-12)
    assert result.median_difference == 2.5 and result.n_pairs == 4
    # Incomplete pairs dropped; unchanged pairs kept in the median but not ranked.
    some = paired_change([1, 2, 3, np.nan, 5], [1, 4, 3, 7, 9])
    assert (some.n_pairs, some.n_zero, some.median_difference) == (4, 2, 1.0)
    same = paired_change([1, 2], [1, 2])
    assert math.isnan(same.p_value) and same.median_difference == 0
    with pytest.raises(ValueError, match="same length"):
        paired_change([1, 2], [1])


def test_benjamini_hochberg_by_hand() -> None:
    # m = 4, sorted p: 0.005, 0.01, 0.03, 0.04 -> m*p/rank: 0.02, 0.02, 0.04, 0.04; running
    # minimum from the largest rank down changes nothing; back in input order:
    np.testing.assert_allclose(
        benjamini_hochberg([0.01, 0.04, 0.03, 0.005]), [0.02, 0.04, 0.04, 0.02]
    )
    # Sorted 0.01, 0.011, 0.012, 0.9 -> 0.04, 0.022, 0.016, 0.9; running minimum from the top:
    # 0.9, 0.016, 0.016, 0.016.
    np.testing.assert_allclose(
        benjamini_hochberg([0.01, 0.012, 0.9, 0.011]), [0.016, 0.016, 0.9, 0.016]
    )
    # Missing p-values stay missing and do not count: m = 2 here.
    got = benjamini_hochberg([0.02, np.nan, 0.04])
    np.testing.assert_allclose(got[[0, 2]], [0.04, 0.04])
    assert math.isnan(got[1])
    assert benjamini_hochberg([]).size == 0
    with pytest.raises(ValueError, match="between 0 and 1"):
        benjamini_hochberg([0.5, 1.5])
