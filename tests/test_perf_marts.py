"""The marts added so that pages read per-episode pre-aggregates instead of the 3.4M-row test and
session marts (docs/performance.md), on the tiny dataset. Values worked out by hand from
tests/fixtures/tiny (README.md and its CSV files)."""

from __future__ import annotations

from datetime import date


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_episode_screens(tiny_con):
    got = rows(
        tiny_con,
        "select client_id, episode_number, n_screens, n_negative_screens, last_screen_date, "
        "is_last_screen_positive, n_negative_before_last, n_scheduled_weeks, n_screened_weeks "
        "from marts.episode_screens join marts.episodes using (episode_id) order by 1, 2",
    )
    assert got == [
        # Breath tests: alcohol positive on 01-05 (use: no medication), negative on 01-14 (day
        # 9, week 2). Sessions scheduled in weeks 1, 2 and 10; weeks 1 and 2 screened.
        ("C1", 1, 2, 1, date(2026, 1, 14), False, 0, 3, 2),
        # UDS 01-12: buprenorphine positive is C2's prescription, fentanyl negative: a negative
        # screen. 01-19 (week 2) fentanyl positive: the latest, after 1 negative screen day.
        # Sessions scheduled in weeks 1, 2 (the excused 01-19) and 4.
        ("C2", 1, 2, 1, date(2026, 1, 19), True, 1, 3, 2),
        # UDS 01-20: methadone is the prescription, buprenorphine is use. Weeks 1, 3 and 10.
        ("C3", 1, 1, 0, date(2026, 1, 20), True, 0, 3, 1),
        # No screens; weeks with a scheduled session: C4 1 and 2, C5#1 1 and 7, C5#2 1 and 7, C6 1
        # (its 03-06 session was cancelled).
        ("C4", 1, 0, 0, None, None, None, 2, 0),
        ("C5", 1, 0, 0, None, None, None, 2, 0),
        ("C5", 2, 0, 0, None, None, None, 2, 0),
        ("C6", 1, 0, 0, None, None, None, 1, 0),
    ]


def test_episode_attended_days(tiny_con):
    got = rows(
        tiny_con,
        "select client_id, episode_number, attended_days from marts.episode_attended_days "
        "join marts.episodes using (episode_id) order by 1, 2",
    )
    # Days since admission with an attended session. C1's 01-07 no-show, C2's excused 01-19,
    # C4's 02-20 no-show and C6's cancelled 03-06 are not attended; C5's 01-10 session falls
    # between its episodes (an orphan row).
    assert got == [
        ("C1", 1, [0, 9, 67]),
        ("C2", 1, [0, 25]),
        ("C3", 1, [0, 1, 2, 14, 66]),
        ("C4", 1, [0, 11]),
        ("C5", 1, [0, 46]),
        ("C5", 2, [0, 42]),
        ("C6", 1, [0]),
    ]


def test_filter_values(tiny_con):
    got = dict(
        ((column, value), n)
        for column, value, n in rows(tiny_con, "select * from marts.filter_values")
    )
    assert got[("track", "Morning")] == 4 and got[("track", "Evening")] == 3
    assert got[("site", "north")] == 4 and got[("site", "south")] == 3  # C1, C2, C5 twice
    assert got[("admission_quarter", "2025Q4")] == 1  # C5#1
    assert got[("admission_quarter", "2026Q1")] == 6
    assert got[("medication", "none")] == 4  # C1, C4, C5#1, C5#2
    assert got[("age_group", "45-54")] == 3  # C3 and C5's two episodes
    assert got[("sex", "unknown")] == 1
    assert sum(n for (column, _), n in got.items() if column == "level_of_care") == 7


def test_initiation_and_engagement_read_from_the_days(tiny_con):
    from pipelines import metrics

    df = metrics.initiation_engagement(tiny_con)
    # Initiated: 2nd attended day within 14 days: C1 (9), C3 (1), C4 (11). Engaged: C3 only
    # (days 2 and 14 within 34 days of day 1); with 3 services nobody (C3 has 2 more).
    assert df[["n_initiated", "n_eligible_initiation", "n_engaged"]].values.tolist() == [[3, 7, 1]]
    three = metrics.initiation_engagement(tiny_con, engagement_services=3)
    assert three["n_engaged"].tolist() == [0]
    # With a 12-day window C3's day 14 is 13 days after its day 1: one service only.
    short = metrics.initiation_engagement(tiny_con, engagement_days=12)
    assert short["n_engaged"].tolist() == [0]
