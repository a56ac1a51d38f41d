"""Attendance and dose on the tiny dataset (tests/fixtures/tiny/README.md has the working).

Sessions up to the effective discharge, (attended, scheduled) per episode, cancelled excluded:
C1 (3, 4: one no-show), C2 (2, 3: one excused), C3 (5, 5), C4 (2, 2: its 02-20 no-show is after
its administrative discharge), C5#1 (2, 2), C5#2 (2, 2), C6 (1, 1: one cancelled).
"""

import pytest

from pipelines import metrics
from tests.hand_formulas import ratio_ci

PAIRS = [(3, 4), (2, 3), (5, 5), (2, 2), (2, 2), (2, 2), (1, 1)]


def test_attendance_rate_with_cluster_interval(tiny_con):
    row = metrics.attendance_rate(tiny_con).iloc[0]
    assert (row.n_episodes, row.n_scheduled, row.n_attended) == (7, 19, 17)
    assert (row.n_excused, row.n_no_show, row.n_cancelled) == (1, 1, 1)
    # r = 17/19; residuals y - r x = (-11, -13, 10, 4, 4, 4, 2) / 19; sum of squares 442/361;
    # se = sqrt(7/6 * 442) / 361 = 0.062904: 0.894737 +/- 0.123290, upper clipped at 1.
    rate, low, high = ratio_ci(PAIRS)
    assert row.attendance_rate == pytest.approx(17 / 19)
    assert (row.attendance_rate_lower, row.attendance_rate_upper) == pytest.approx((low, high))
    assert row.attendance_rate_lower == pytest.approx(0.771447, abs=1e-6)
    assert row.attendance_rate_upper == 1.0
    no_show = ratio_ci([(1, 4), (0, 3), (0, 5), (0, 2), (0, 2), (0, 2), (0, 1)])
    assert (row.no_show_rate, row.no_show_rate_lower, row.no_show_rate_upper) == pytest.approx(
        no_show
    )


def test_attendance_rate_by_track_adds_up(tiny_con):
    df = metrics.attendance_rate(tiny_con, group_by="track").set_index("group_value")
    assert df.loc["Evening", ["n_scheduled", "n_attended"]].tolist() == [9, 9]  # C3, C4, C5#2
    assert df.loc["Morning", ["n_scheduled", "n_attended"]].tolist() == [10, 8]
    assert df.loc["Morning", "attendance_rate"] == pytest.approx(0.8)
    assert df["n_scheduled"].sum() == 19


def test_hours_per_week_against_asam(tiny_con):
    row = metrics.hours_per_week(tiny_con).iloc[0]
    # Complete weeks: C1 9, C2 3, C3 10, C4 1, C5#1 6, C5#2 6, C6 0 (4 days) = 35. Only C3's
    # week 1 (3 x 3 h = 9 h) meets the adult minimum of 9 hours. Hours in complete weeks:
    # C1 3 + 1, C2 3, C3 9 + 3 + 3, C4 3, C5#1 3, C5#2 3 = 31 -> mean 31/35; most weeks are 0.
    assert (row.n_episodes, row.n_weeks, row.n_weeks_meeting_minimum) == (6, 35, 1)
    assert row.hours_per_week_mean == pytest.approx(31 / 35)
    assert row.hours_per_week_median == 0
    rate, low, high = ratio_ci([(0, 9), (0, 3), (1, 10), (0, 1), (0, 6), (0, 6)])
    assert (row.meeting_minimum_rate, row.meeting_minimum_rate_lower) == pytest.approx((rate, low))
    assert row.meeting_minimum_rate_upper == pytest.approx(high)  # 0.077772
    assert row.minimum_rule.startswith("ASAM")
    # A 3-hour minimum: the week-1 session of C1, C2, C4, C5#1, C5#2, and C3's weeks 1, 3, 10.
    three = metrics.hours_per_week(tiny_con, minimum_hours=3).iloc[0]
    assert three.n_weeks_meeting_minimum == 8


def test_initiation_and_engagement_hedis_style(tiny_con):
    row = metrics.initiation_engagement(tiny_con).iloc[0]
    # Distinct attended days; initiated when the 2nd is within 14 days of admission:
    # C1 (2nd on day 9), C3 (day 1), C4 (day 11) initiated; C2 (day 25), C5#1 (46), C5#2 (42)
    # and C6 (no 2nd) not. All 7 were admitted >= 14 days before the cut-off.
    assert (row.n_eligible_initiation, row.n_initiated) == (7, 3)
    # Engaged: 2 more attended days within 34 days after initiation. C3: 01-22 and 02-03 after
    # 01-21 -> engaged. C1: only 03-13, 58 days later; C4: none. Eligible: admitted >= 48 days
    # before the cut-off (C1, C2, C3, C4, C5#1), so C5#2 and C6 are not yet counted.
    assert (row.n_eligible_engagement, row.n_engaged) == (5, 1)
    assert row.initiation_rate == pytest.approx(3 / 7)
    assert row.engagement_rate == pytest.approx(1 / 5)


def test_initiation_window_is_a_parameter(tiny_con):
    # With 9 days, C1 (2nd day on day 9) still counts, C4 (day 11) no longer.
    row = metrics.initiation_engagement(tiny_con, initiation_days=9).iloc[0]
    assert row.n_initiated == 2


def test_attendance_by_week_matrix(tiny_con):
    df = metrics.attendance_by_week(tiny_con).set_index("week_number")
    # Week 1 (days 0-6): all 7 episodes; 10 scheduled (C1 2, C3 3, others 1), 9 attended.
    assert df.loc[1, ["n_episodes", "n_scheduled", "n_attended", "n_no_show"]].tolist() == [
        7,
        10,
        9,
        1,
    ]
    # Week 2 (days 7-13): C6 has left; C1's individual session, C2 excused, C4's individual.
    assert df.loc[2, ["n_episodes", "n_scheduled", "n_attended"]].tolist() == [6, 3, 2]
    assert df.loc[2, "attendance_rate"] == pytest.approx(2 / 3)
    assert df.index.max() == 11  # C3's 11th week; nobody reaches week 12
    cohorts = metrics.attendance_by_week(tiny_con, group_by="admission_quarter", max_weeks=2)
    q1 = cohorts.query("group_value == '2026Q1' and week_number == 1").iloc[0]
    assert (q1.n_episodes, q1.n_scheduled, q1.n_attended) == (6, 9, 8)
    assert cohorts["week_number"].max() == 2
