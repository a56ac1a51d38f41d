"""Retention on the tiny dataset, by hand (tests/fixtures/tiny/README.md).

Retention days and events (premature exit = dropped out, terminated, administrative):
C6 4 exit, C4 11 exit, C2 25 exit, C5#2 43 censored (active), C5#1 46 censored (transferred),
C1 67 censored (completed), C3 70 censored (active).
"""

import math
from fractions import Fraction as F

import pytest
from scipy import stats

from pipelines import metrics
from pipelines.metrics import Filters
from tests.hand_formulas import Z95, loglog_band


def test_retention_curve_by_hand(tiny_con):
    df = metrics.retention_curve(tiny_con)
    got = df[["day", "n_at_risk", "n_events", "n_censored"]].values.tolist()
    assert got == [
        [0, 7, 0, 0],
        [4, 7, 1, 0],
        [11, 6, 1, 0],
        [25, 5, 1, 0],
        [43, 4, 0, 1],
        [46, 3, 0, 1],
        [67, 2, 0, 1],
        [70, 1, 0, 1],
    ]
    # S(4) = 6/7, S(11) = 6/7 * 5/6 = 5/7, S(25) = 5/7 * 4/5 = 4/7, flat after.
    assert df["retained_rate"].tolist() == pytest.approx([1, 6 / 7, 5 / 7, 4 / 7, *[4 / 7] * 4])
    # Greenwood sums d / (n (n - d)): 1/42 at day 4; + 1/30 at day 11; + 1/20 at day 25.
    for day, s, greenwood in [(4, 6 / 7, 1 / 42), (11, 5 / 7, 1 / 42 + 1 / 30)]:
        row = df[df["day"] == day].iloc[0]
        low, high = loglog_band(s, greenwood)
        assert (row.retained_rate_lower, row.retained_rate_upper) == pytest.approx((low, high))
    last = df.iloc[-1]
    low, high = loglog_band(4 / 7, 1 / 42 + 1 / 30 + 1 / 20)
    assert (last.retained_rate_lower, last.retained_rate_upper) == pytest.approx((low, high))
    assert df.loc[0, "retained_rate_lower"] == 1.0  # no event yet: the band is 1 to 1


def test_retention_at_days_with_number_at_risk(tiny_con):
    df = metrics.retention_at(tiny_con)
    assert df["day"].tolist() == [30, 60, 90]
    assert df["retained_rate"].iloc[:2].tolist() == pytest.approx([4 / 7, 4 / 7])
    # Past the last follow-up (day 70) the curve is unknown: no value, nobody at risk.
    assert math.isnan(df["retained_rate"].iloc[2])
    # At risk = retention days >= t: day 30 -> 43, 46, 67, 70; day 60 -> 67, 70.
    assert df["n_at_risk"].tolist() == [4, 2, 0]
    assert df["n_events_cumulative"].tolist() == [3, 3, 3]
    assert set(df["n_episodes"]) == {7}
    chosen = metrics.retention_at(tiny_con, days=(0, 10, 11))
    assert chosen["retained_rate"].tolist() == pytest.approx([1, 6 / 7, 5 / 7])
    assert chosen["n_at_risk"].tolist() == [7, 6, 6]


def test_retention_median_and_convention(tiny_con):
    overall = metrics.retention_median(tiny_con).iloc[0]
    # The curve never reaches 0.5 (it stops at 4/7): no median. The lower log-log band is
    # already below 0.5 at day 4 (0.334), so the interval starts there and is open above.
    assert math.isnan(overall.median_days)
    assert overall.median_days_lower == 4
    assert math.isnan(overall.median_days_upper)
    assert (overall.n_episodes, overall.n_events, overall.n_censored) == (7, 3, 4)
    assert "R survival" in overall.median_convention
    by_track = metrics.retention_median(tiny_con, group_by="track").set_index("group_value")
    # Morning: 4 exit, 25 exit, 46 censored, 67 censored. S(4) = 3/4, S(25) = 3/4 * 2/3 = 1/2
    # exactly, and stays there to the last follow-up (67): R takes the midpoint (25 + 67) / 2 = 46
    # (lifelines would say 25).
    assert by_track.loc["Morning", "median_days"] == 46
    assert math.isnan(by_track.loc["Evening", "median_days"])  # 11 exit; 43, 70 censored: 2/3


def test_retention_logrank_by_hand(tiny_con):
    df = metrics.retention_logrank(tiny_con, group_by="track").set_index("group_value")
    # Event times 4 (Morning; at risk M 4, E 3), 11 (Evening; M 3, E 3), 25 (Morning; M 3, E 2).
    # Expected Morning = 4/7 + 3/6 + 3/5 = 117/70; variance = sum d(n-d)/(n-1) * nM nE / n^2
    # = 12/49 + 1/4 + 6/25.
    e_morning = F(4, 7) + F(3, 6) + F(3, 5)
    v = F(12, 49) + F(1, 4) + F(6, 25)
    chi2 = (2 - e_morning) ** 2 / v
    assert df.loc["Morning", "n_expected"] == pytest.approx(float(e_morning))
    assert df.loc["Evening", "n_expected"] == pytest.approx(float(3 - e_morning))
    assert df[["n_episodes", "n_events"]].loc["Morning"].tolist() == [4, 2]
    assert df["statistic"].tolist() == pytest.approx([float(chi2)] * 2)  # 0.146904
    assert set(df["df"]) == {1}
    assert df["p_value"].iloc[0] == pytest.approx(stats.chi2.sf(float(chi2), 1))
    # Peto hazard ratio of Morning against Evening (the first group, sorted): exp((O-E)/V).
    assert df.loc["Evening", "reference_group"] == "Evening"
    assert df.loc["Evening", "hazard_ratio"] == 1.0
    log_hr, se = float((2 - e_morning) / v), 1 / math.sqrt(float(v))
    assert df.loc["Morning", "hazard_ratio"] == pytest.approx(math.exp(log_hr))
    assert df.loc["Morning", "hazard_ratio_lower"] == pytest.approx(math.exp(log_hr - Z95 * se))
    chosen = metrics.retention_logrank(tiny_con, group_by="track", reference="Morning")
    evening = chosen.set_index("group_value").loc["Evening", "hazard_ratio"]
    assert evening == pytest.approx(math.exp(-log_hr))


def test_retention_logrank_needs_two_groups(tiny_con):
    df = metrics.retention_logrank(tiny_con)
    assert len(df) == 1 and math.isnan(df["statistic"].iloc[0])
    with pytest.raises(ValueError, match="reference"):
        metrics.retention_logrank(tiny_con, group_by="track", reference="Nope")


def test_retention_follows_filters(tiny_con):
    # South: C3 70 censored, C4 11 exit, C6 4 exit. S(4) = 2/3, S(11) = 2/3 * 1/2 = 1/3.
    south = Filters(sites=("south",))
    curve = metrics.retention_curve(tiny_con, filters=south)
    assert curve["retained_rate"].tolist() == pytest.approx([1, 2 / 3, 1 / 3, 1 / 3])
    assert metrics.retention_median(tiny_con, filters=south)["median_days"].iloc[0] == 11
    assert metrics.retention_curve(tiny_con, filters=Filters(tracks=("None",))).empty
