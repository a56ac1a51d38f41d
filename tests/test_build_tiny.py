"""The tiny dataset's marts against the answers worked out by hand (fixtures/tiny/README.md)."""

from datetime import date

from pipelines import metrics
from pipelines.metrics import Filters


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_episodes_effective_discharges(tiny_con):
    got = rows(
        tiny_con,
        "select client_id, episode_number, discharge_date, discharge_reason, retention_days, "
        "retention_event from marts.episodes order by client_id, episode_number",
    )
    assert got == [
        ("C1", 1, date(2026, 3, 13), "completed", 67, False),
        ("C2", 1, date(2026, 2, 6), "dropped_out", 25, True),
        ("C3", 1, None, None, 70, False),
        ("C4", 1, date(2026, 2, 13), "administrative", 11, True),
        ("C5", 1, date(2025, 12, 19), "transferred", 46, False),
        ("C5", 2, None, None, 43, False),
        ("C6", 1, date(2026, 3, 6), "terminated", 4, True),
    ]


def test_readmission_and_los_bucket(tiny_con):
    got = rows(
        tiny_con,
        "select is_readmitted_30d, is_readmitted_90d, is_readmitted_365d, los_bucket "
        "from marts.episodes where client_id = 'C5' and episode_number = 1",
    )
    assert got == [(False, True, True, "46-60 days")]


def test_admissions_by_month_and_track(tiny_con):
    df = metrics.admissions_by_month(tiny_con, group_by="track")
    got = {(str(m)[:7], g): n for m, g, n in df.itertuples(index=False)}
    assert got == {
        ("2025-11", "Morning"): 1,
        ("2026-01", "Evening"): 1,
        ("2026-01", "Morning"): 2,
        ("2026-02", "Evening"): 2,
        ("2026-03", "Morning"): 1,
    }


def test_active_census(tiny_con):
    df = metrics.active_census(tiny_con)
    assert df[["n_active", "n_episodes"]].values.tolist() == [[2, 7]]
    by_track = metrics.active_census(tiny_con, group_by="track").set_index("group_value")
    assert by_track.loc["Evening", "n_active"] == 2
    assert by_track.loc["Morning", "n_active"] == 0


def test_discharges_by_reason(tiny_con):
    df = metrics.discharges_by_reason(tiny_con).set_index("discharge_reason")
    assert df["n_discharges"].to_dict() == {
        "completed": 1,
        "dropped_out": 1,
        "terminated": 1,
        "transferred": 1,
        "incarcerated": 0,
        "deceased": 0,
        "other": 0,
        "administrative": 1,
    }
    assert set(df["n_discharged"]) == {5}
    assert df.loc["administrative", "teds_code"] == 2


def test_filters_narrow_the_count(tiny_con):
    df = metrics.active_census(tiny_con, filters=Filters(sites=("north",)))
    # north: C1, C2, C5#1, C5#2 -> 4 episodes, 1 active (C5#2)
    assert df[["n_active", "n_episodes"]].values.tolist() == [[1, 4]]
    df = metrics.active_census(tiny_con, filters=Filters(date_from=date(2026, 2, 1)))
    assert df[["n_active", "n_episodes"]].values.tolist() == [[1, 3]]


def test_orphan_rows(tiny_con):
    got = rows(
        tiny_con, "select input_table, client_id, _line from marts.orphan_rows order by 1, 3"
    )
    assert got == [
        ("abstinence", "C9", 5),
        ("attendance", "C5", 16),
        ("attendance", "C9", 21),
        ("substance_use", "C9", 9),
    ]


def test_episode_weeks(tiny_con):
    got = rows(
        tiny_con,
        "select week_number, n_scheduled, n_attended, n_no_show, attended_hours "
        "from marts.episode_weeks w join marts.episodes e using (episode_id) "
        "where e.client_id = 'C1' and week_number in (1, 2, 3, 10) order by 1",
    )
    assert got == [(1, 2, 1, 1, 3.0), (2, 1, 1, 0, 1.0), (3, 0, 0, 0, 0.0), (10, 1, 1, 0, 3.0)]
    assert rows(
        tiny_con,
        "select count(*) from marts.episode_weeks w join marts.episodes e "
        "using (episode_id) where client_id = 'C1'",
    ) == [(10,)]


def test_prescribed_medication_is_not_use(tiny_con):
    got = rows(
        tiny_con,
        "select client_id, substance, is_use, is_prescribed_medication from marts.substance_tests "
        "where result = 'positive' order by client_id, substance",
    )
    assert got == [
        ("C1", "alcohol", True, False),
        ("C2", "buprenorphine", False, True),
        ("C2", "fentanyl", True, False),
        ("C3", "buprenorphine", True, False),
        ("C3", "methadone", False, True),
        ("C9", "cocaine", True, False),
    ]


def test_followup_window(tiny_con):
    got = rows(
        tiny_con,
        "select client_id, is_due, is_completed, is_in_window from marts.followups "
        "order by client_id, due_date",
    )
    assert got == [
        ("C1", False, False, False),
        ("C2", True, False, False),  # 2w, pending and overdue
        ("C2", True, False, False),  # 30d, unreachable
        ("C4", True, True, True),  # contacted 10 days after the due date
        ("C5", True, True, True),
    ]


def test_group_by_outside_allow_list_is_refused(tiny_con):
    import pytest

    with pytest.raises(ValueError, match="cannot group by"):
        metrics.active_census(tiny_con, group_by="client_id; drop table x")
