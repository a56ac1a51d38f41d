"""Length of stay on the tiny dataset: 5 discharges of 4, 11, 25, 46 and 67 days."""

import pytest

from pipelines import metrics


def test_length_of_stay_overall_and_by_reason(tiny_con):
    df = metrics.length_of_stay(tiny_con).set_index("discharge_reason")
    # Sorted: 4 (C6), 11 (C4), 25 (C2), 46 (C5#1), 67 (C1). Type-7 quartiles sit on ranks
    # 1 + (5-1)/4 = 2 and 4 exactly: Q1 = 11, Q3 = 46. Mean 153 / 5 = 30.6.
    overall = df.loc["all"]
    assert overall.n_discharges == 5
    assert (overall.los_median_days, overall.los_q1_days, overall.los_q3_days) == (25, 11, 46)
    assert overall.los_mean_days == pytest.approx(30.6)
    # Reasons in TEDS order, one discharge each; active episodes have no length of stay.
    assert df.index.tolist() == [
        "all",
        "completed",
        "dropped_out",
        "terminated",
        "transferred",
        "administrative",
    ]
    assert df["los_median_days"].tolist() == [25, 67, 25, 4, 46, 11]


def test_length_of_stay_by_track(tiny_con):
    df = metrics.length_of_stay(tiny_con, group_by="track")
    evening = df.query("group_value == 'Evening' and discharge_reason == 'all'").iloc[0]
    assert (evening.n_discharges, evening.los_median_days) == (1, 11)  # C4 only
    morning = df.query("group_value == 'Morning' and discharge_reason == 'all'").iloc[0]
    # 4, 25, 46, 67: median 35.5; Q1 at rank 1.75 = 4 + 0.75 * 21 = 19.75; Q3 at rank 3.25 = 51.25
    assert (morning.los_median_days, morning.los_q1_days, morning.los_q3_days) == (
        35.5,
        19.75,
        51.25,
    )


def test_length_of_stay_buckets(tiny_con):
    df = metrics.length_of_stay_buckets(tiny_con)
    assert df["n_discharges"].tolist() == [3, 0, 1, 1, 0, 0, 0, 0]  # 1-30: 4, 11, 25
    assert set(df["n_discharged"]) == {5}
    assert df["los_bucket"].iloc[0] == "1-30 days"


def test_empty_selection_gives_empty_tables(tiny_con):
    none = metrics.Filters(tracks=("No such track",))
    assert metrics.length_of_stay(tiny_con, filters=none).empty
    assert metrics.length_of_stay_buckets(tiny_con, filters=none).empty
