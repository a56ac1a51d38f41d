"""Census metrics on the tiny dataset (tests/fixtures/tiny/README.md has the working)."""

from datetime import date

import pytest

from pipelines import metrics
from tests.hand_formulas import wilson


def test_census_by_month(tiny_con):
    df = metrics.census_by_month(tiny_con)
    got = [
        (str(m)[:7], str(c)[:10], a, d, n)
        for m, c, a, d, n in df[
            ["month", "census_date", "n_admissions", "n_discharges", "n_active_end"]
        ].itertuples(index=False)
    ]
    # Active at month end = last month's + admissions - discharges; the cut-off month ends at
    # the cut-off (2026-03-31) and agrees with active_census (2).
    assert got == [
        ("2025-11", "2025-11-30", 1, 0, 1),  # C5#1 admitted
        ("2025-12", "2025-12-31", 0, 1, 0),  # C5#1 transferred 12-19
        ("2026-01", "2026-01-31", 3, 0, 3),  # C1, C2, C3
        ("2026-02", "2026-02-28", 2, 2, 3),  # +C4, C5#2; -C2 (02-06), C4 (02-13, administrative)
        ("2026-03", "2026-03-31", 1, 2, 2),  # +C6; -C6 (03-06), C1 (03-13)
    ]


def test_census_by_month_strata_sum_to_total(tiny_con):
    total = metrics.census_by_month(tiny_con).set_index("month")
    by_track = metrics.census_by_month(tiny_con, group_by="track")
    by_track = by_track.groupby("month")[["n_admissions", "n_discharges", "n_active_end"]].sum()
    for col in ("n_admissions", "n_discharges", "n_active_end"):
        assert by_track[col].to_dict() == total[col].to_dict()
    evening = metrics.census_by_month(tiny_con, group_by="track").query("group_value == 'Evening'")
    assert evening["n_active_end"].tolist() == [0, 0, 1, 2, 2]  # C3; C3, C5#2 (C4 out 02-13)


def test_completion_rate_with_wilson_interval(tiny_con):
    row = metrics.completion_rate(tiny_con).iloc[0]
    # 5 discharges: completed C1; completed or transferred C1, C5#1.
    assert (row.n_discharged, row.n_completed, row.n_completed_or_transferred) == (5, 1, 2)
    assert row.completion_rate == pytest.approx(0.2)
    assert (row.completion_rate_lower, row.completion_rate_upper) == pytest.approx(wilson(1, 5))
    # By formula: p = 0.2, z^2/n = 0.768292 -> centre 0.330345, half 0.294121.
    assert row.completion_rate_lower == pytest.approx(0.036224, abs=1e-6)
    assert row.completion_rate_upper == pytest.approx(0.624465, abs=1e-6)
    assert row.completed_or_transferred_rate == pytest.approx(0.4)
    assert (row.completed_or_transferred_rate_lower, row.completed_or_transferred_rate_upper) == (
        pytest.approx(wilson(2, 5))
    )


def test_completion_rate_by_track(tiny_con):
    df = metrics.completion_rate(tiny_con, group_by="track").set_index("group_value")
    assert df.loc[
        "Morning", ["n_discharged", "n_completed", "n_completed_or_transferred"]
    ].tolist() == [
        4,
        1,
        2,
    ]
    assert df.loc["Evening", ["n_discharged", "n_completed"]].tolist() == [1, 0]
    assert df.loc["Evening", "completion_rate_upper"] == pytest.approx(wilson(0, 1)[1])


def test_readmission_rate_counts_only_whole_windows(tiny_con):
    df = metrics.readmission_rate(tiny_con).set_index("window_days")
    # 30 days: discharges on or before 03-01 -> C5#1, C2, C4; none readmitted within 30 days.
    assert df.loc[30, ["n_discharged_eligible", "n_readmitted"]].tolist() == [3, 0]
    # 90 days: discharges on or before 2025-12-31 -> C5#1, readmitted after 59 days.
    assert df.loc[90, ["n_discharged_eligible", "n_readmitted"]].tolist() == [1, 1]
    assert df.loc[90, "readmission_rate"] == 1.0
    # 365 days: no discharge a year before the cut-off: no rate.
    assert df.loc[365, "n_discharged_eligible"] == 0
    assert df.loc[365, ["readmission_rate", "readmission_rate_lower"]].isna().all()


def test_discharges_by_reason_shares(tiny_con):
    df = metrics.discharges_by_reason(tiny_con).set_index("discharge_reason")
    assert df.loc["completed", "reason_rate"] == pytest.approx(0.2)
    assert df.loc["incarcerated", "reason_rate"] == 0.0
    assert df.loc["incarcerated", "reason_rate_upper"] == pytest.approx(wilson(0, 5)[1])
    assert df["n_discharges"].sum() == 5


def test_census_filters_by_admission_date(tiny_con):
    df = metrics.census_by_month(
        tiny_con, filters=metrics.Filters(date_from=date(2026, 2, 1))
    )  # C4, C5#2, C6
    assert df["month"].astype(str).str[:7].tolist() == ["2026-02", "2026-03"]
    assert df["n_active_end"].tolist() == [1, 1]
