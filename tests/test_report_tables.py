"""The report's period definitions on the tiny dataset, every answer worked out by hand from
tests/fixtures/tiny (episodes and dates in its README). Quarter 2026Q1 is 2026-01-01 to
2026-03-31, which is also the data cut-off; k = 1 shows every count."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from pipelines import metrics
from pipelines.metrics import Filters
from pipelines.report import queries
from pipelines.report.bias import retention_bias
from pipelines.report.period import Period, Quarter
from pipelines.report.tables import compute, dimensions_for

Q1 = Period(Quarter.parse("2026Q1"), date(2026, 3, 31))
Q4 = Period(Quarter.parse("2025Q4"), date(2026, 3, 31))


def rows(con, period=Q1, group_by=None, filters=metrics.ALL):
    return queries.period_rows(con, period=period, filters=filters, group_by=group_by)


def one(frame: pd.DataFrame, **where) -> pd.Series:
    for column, value in where.items():
        frame = frame[frame[column] == value]
    assert len(frame) == 1, where
    return frame.iloc[0]


def test_quarters():
    q = Quarter.parse("2026-q3")
    assert (q.label, q.start, q.end) == ("2026Q3", date(2026, 7, 1), date(2026, 9, 30))
    assert [x.label for x in Quarter.parse("2026Q1").last(4)] == [
        "2025Q2", "2025Q3", "2025Q4", "2026Q1",
    ]  # fmt: skip
    assert Quarter.parse("2024Q4").end == date(2024, 12, 31)
    partial = Period(Quarter.parse("2026Q1"), date(2026, 2, 15))
    assert partial.end == date(2026, 2, 15) and partial.is_partial
    with pytest.raises(ValueError, match="after the data cut-off"):
        Period(Quarter.parse("2026Q2"), date(2026, 3, 31))
    with pytest.raises(ValueError, match="like 2026Q3"):
        Quarter.parse("2026-07")


def test_census_counts_episodes_in_care_during_the_quarter(tiny_con):
    # Served in Q1: C1, C2, C3, C4, C5#2, C6 (C5#1 left on 2025-12-19); clients C1..C6 = 6.
    # Admitted in Q1: all six. Discharged in Q1: C2 02-06, C4 02-13 (administrative), C6 03-06,
    # C1 03-13. Active at the end: C3, C5#2. 6 = 0 + 6 = 4 + 2.
    census = one(queries.census(rows(tiny_con)), group_value="All")
    expected = {"n_clients_served": 6, "n_episodes_served": 6, "n_active_start": 0}
    expected |= {"n_admissions": 6, "n_discharges": 4, "n_active_end": 0 + 2}
    assert census[list(expected)].to_dict() == expected
    # 2025Q4: only C5#1, admitted 2025-11-03 and discharged 2025-12-19.
    q4 = one(queries.census(rows(tiny_con, Q4)), group_value="All")
    assert q4[["n_episodes_served", "n_admissions", "n_discharges", "n_active_end"]].tolist() == [
        1, 1, 1, 0,
    ]  # fmt: skip
    # Evening: C3, C4, C5#2 served; only C4 discharged.
    evening = one(queries.census(rows(tiny_con, group_by="track")), group_value="Evening")
    assert evening[["n_episodes_served", "n_discharges", "n_active_end"]].tolist() == [3, 1, 2]


def test_discharges_are_those_dated_in_the_quarter(tiny_con):
    # C1 completed (67 days), C2 dropped out (25), C6 terminated (4), C4 administrative (11).
    table = queries.discharges(rows(tiny_con))
    counts = table.set_index("discharge_reason")["n_discharges"]
    assert counts.to_dict() == {
        "all": 4, "completed": 1, "dropped_out": 1, "terminated": 1, "transferred": 0,
        "incarcerated": 0, "deceased": 0, "other": 0, "administrative": 1,
    }  # fmt: skip
    everything = one(table, discharge_reason="all")
    # LOS 4, 11, 25, 67: median 18, type-7 quartiles 4 + 0.75 * 7 = 9.25 and 25 + 0.25 * 42 =
    # 35.5, mean 107 / 4.
    assert everything[["los_median_days", "los_q1_days", "los_q3_days"]].tolist() == [
        18.0, 9.25, 35.5,
    ]  # fmt: skip
    assert everything["los_mean_days"] == pytest.approx(26.75)
    assert one(table, discharge_reason="completed")["reason_rate"] == pytest.approx(0.25)


def test_followups_are_those_whose_window_closed_in_the_quarter(tiny_con):
    # Windows (due + 30 days) closing in Q1 before the cut-off: C5 30d (due 01-18, reached
    # 01-20) and C2 2w (due 02-20, still pending: overdue, counted, not reached). C4's 30d was
    # reached on 03-25 but its window closes on 04-14: not yet counted.
    table = queries.followups(rows(tiny_con)).set_index("timepoint")
    assert table.loc["30d", ["n_eligible", "n_in_window"]].tolist() == [1, 1]
    assert table.loc["2w", ["n_eligible", "n_in_window"]].tolist() == [1, 0]
    assert not table.loc["2w", "meets_target"] and table.loc["30d", "meets_target"]
    outcomes = queries.outcomes(rows(tiny_con)).set_index("outcome")
    # C5#1 at 30 days: 30 of 30 days abstinent, employed, stably housed, not arrested.
    assert outcomes["n_yes"].to_dict() == {
        "abstinent": 1, "employed_or_in_school": 1, "stable_housing": 1, "arrested_30d": 0,
    }  # fmt: skip
    assert set(outcomes["n_answered"]) == {1}


def test_abstinence_pairs_use_the_same_clients(tiny_con):
    # Intake -> discharge, discharged in Q1 with both interviews: C1 10 -> 28, C2 5 -> 12,
    # C6 20 -> 16 (C4 has no discharge interview). Intake -> 30 days: C5#1 15 -> 30.
    table = queries.abstinence_pairs(rows(tiny_con)).set_index("timepoint")
    discharge = table.loc["discharge"]
    assert discharge[["n_pairs", "n_fully_abstinent_intake", "n_fully_abstinent"]].tolist() == [
        3, 0, 0,
    ]  # fmt: skip
    assert discharge["intake_rate_mean"] == pytest.approx(35 / 90)
    assert discharge["rate_mean"] == pytest.approx(56 / 90)
    assert table.loc["30d", ["n_pairs", "n_fully_abstinent"]].tolist() == [1, 1]


def test_retention_bias_compares_followed_and_lost(tiny_con):
    # Counted in Q1: C5#1 (reached: followed, age 52) and C2 (2w overdue: lost, age 28).
    table = retention_bias(rows(tiny_con))
    age = one(table, characteristic="age at admission")
    assert age[["n_followed", "n_lost", "followed_value", "lost_value"]].tolist() == [1, 1, 52, 28]
    sex = table[table["characteristic"] == "sex"].set_index("level")
    assert sex.loc["male", ["n_followed", "n_lost"]].tolist() == [1, 1]


def test_cohort_tables_are_the_metric_functions_of_the_quarter(tiny_con):
    tables = compute(tiny_con, Q1, Filters(), 1, ("track",))
    cohort = Filters(quarters=("2026Q1",))
    retention = tables["retention"].data
    expected = metrics.retention_at(tiny_con, filters=cohort, days=(30, 60, 90))
    program = retention[retention["dimension"] == "program"].reset_index(drop=True)
    pd.testing.assert_series_equal(program["retained_rate"].astype(float),
                                   expected["retained_rate"], check_names=False)  # fmt: skip
    by_track = metrics.attendance_rate(tiny_con, filters=cohort, group_by="track")
    attendance = tables["attendance"].data.set_index(["dimension", "group"])
    for row in by_track.itertuples():
        assert attendance.loc[("track", row.group_value), "n_attended"] == row.n_attended
    # The quarter's admissions are the cohort's episodes: 6 (C5#2, not C5#1).
    census = tables["census"].data.set_index(["dimension", "group"])
    assert census.loc[("program", "All clients"), "n_admissions"] == 6
    assert set(program["n_episodes"]) == {6}


def test_admission_filters_are_refused_and_single_groups_dropped(tiny_con):
    with pytest.raises(ValueError, match="period is its quarter"):
        rows(tiny_con, filters=Filters(quarters=("2026Q1",)))
    with pytest.raises(ValueError, match="period is its quarter"):
        rows(tiny_con, filters=Filters(date_from=date(2026, 1, 1)))
    assert dimensions_for(Filters(sites=("north",))) == ("track",)
    assert dimensions_for(Filters(tracks=("Morning", "Evening"))) == ("track", "site")
    only_north = replace(Filters(), sites=("north",))
    census = queries.census(rows(tiny_con, filters=only_north))
    # north in Q1: C1, C2, C5#2 served.
    assert census["n_episodes_served"].tolist() == [3]
