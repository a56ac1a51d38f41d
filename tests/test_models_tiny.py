"""The marts on the tiny dataset: grain and contract checks, and the new columns by hand.

Every value is worked out in tests/fixtures/tiny/README.md; the grain checks run from one table
of {model: key columns} (jaffle-shop's data tests), and are reused on a generated sample.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.model_checks import GRAIN, check_contract


def test_contract_checks_pass_on_tiny(tiny_con):
    check_contract(tiny_con)


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_episode_new_columns(tiny_con):
    got = rows(
        tiny_con,
        "select client_id, episode_number, is_discharged, is_completed, los_teds_code, "
        "los_bucket_order, discharge_month, days_to_readmission, age_group "
        "from marts.episodes order by client_id, episode_number",
    )
    # TEDS LOS code: 1..30 single days, then 31 = 31-45, 32 = 46-60, 33 = 61-90.
    assert got == [
        ("C1", 1, True, True, 33, 4, date(2026, 3, 1), None, "26-34"),
        ("C2", 1, True, False, 25, 1, date(2026, 2, 1), None, "26-34"),
        ("C3", 1, False, None, None, None, None, None, "45-54"),
        ("C4", 1, True, False, 11, 1, date(2026, 2, 1), None, "18-25"),
        ("C5", 1, True, False, 32, 3, date(2025, 12, 1), 59, "45-54"),
        ("C5", 2, False, None, None, None, None, None, "45-54"),
        ("C6", 1, True, False, 4, 1, date(2026, 3, 1), None, "55-64"),
    ]


def test_episode_weeks_complete_weeks_and_asam(tiny_con):
    # C3 (admitted 2026-01-20, active, 70 days to the cut-off): 11 weeks, 10 complete (week 11
    # covers days 70-76). Week 1: 01-20, 01-21, 01-22 attended, 3 x 3 h = 9 h >= ASAM 9 h (age 45).
    got = rows(
        tiny_con,
        "select week_number, n_scheduled, attended_hours, scheduled_hours, is_complete_week, "
        "asam_minimum_hours, meets_asam_minimum from marts.episode_weeks "
        "join marts.episodes using (episode_id) where client_id = 'C3' "
        "and week_number in (1, 2, 3, 10, 11) order by 1",
    )
    assert got == [
        (1, 3, 9.0, 9.0, True, 9, True),
        (2, 0, 0.0, 0.0, True, 9, False),
        (3, 1, 3.0, 3.0, True, 9, False),
        (10, 1, 3.0, 3.0, True, 9, False),
        (11, 0, 0.0, 0.0, False, 9, False),
    ]


def test_sessions_after_an_administrative_discharge_do_not_count(tiny_con):
    # C4 is discharged at its last attended session (02-13); the 02-20 no-show falls after it.
    got = rows(
        tiny_con,
        "select n_weeks, n_complete_weeks, n_scheduled, n_attended, n_no_show, attended_hours "
        "from marts.episode_attendance join marts.episodes using (episode_id) "
        "where client_id = 'C4'",
    )
    assert got == [(2, 1, 2, 2, 0, 4.0)]


def test_episode_attendance_totals(tiny_con):
    got = rows(
        tiny_con,
        "select client_id, episode_number, n_weeks, n_complete_weeks, "
        "n_complete_weeks_meeting_asam, n_scheduled, n_attended, n_excused, n_no_show, "
        "n_cancelled from marts.episode_attendance join marts.episodes using (episode_id) "
        "order by client_id, episode_number",
    )
    assert got == [
        ("C1", 1, 10, 9, 0, 4, 3, 0, 1, 0),
        ("C2", 1, 4, 3, 0, 3, 2, 1, 0, 0),
        ("C3", 1, 11, 10, 1, 5, 5, 0, 0, 0),
        ("C4", 1, 2, 1, 0, 2, 2, 0, 0, 0),
        ("C5", 1, 7, 6, 0, 2, 2, 0, 0, 0),
        ("C5", 2, 7, 6, 0, 2, 2, 0, 0, 0),
        ("C6", 1, 1, 0, 0, 1, 1, 0, 0, 1),
    ]


def test_abstinence_points(tiny_con):
    # C3's alcohol-only intake row and C1's in-treatment row are not points; C9 has no episode.
    got = rows(
        tiny_con,
        "select client_id, episode_number, timepoint, days_abstinent, source, is_fully_abstinent "
        "from marts.abstinence_points join marts.episodes using (episode_id) "
        "order by client_id, episode_number, timepoint_order",
    )
    assert got == [
        ("C1", 1, "intake", 10, "assessment", False),
        ("C1", 1, "discharge", 28, "assessment", False),
        ("C2", 1, "intake", 5, "assessment", False),
        ("C2", 1, "discharge", 12, "assessment", False),
        ("C3", 1, "intake", 0, "assessment", False),
        ("C4", 1, "intake", 12, "assessment", False),
        ("C4", 1, "30d", 20, "followup", False),
        ("C5", 1, "intake", 15, "assessment", False),
        ("C5", 1, "discharge", 30, "assessment", True),
        ("C5", 1, "30d", 30, "followup", True),
        ("C6", 1, "intake", 20, "assessment", False),
        ("C6", 1, "discharge", 16, "assessment", False),
    ]


def test_followup_flags(tiny_con):
    got = rows(
        tiny_con,
        "select client_id, timepoint, is_due, is_window_closed, is_overdue, "
        "is_in_followup_rate, days_from_due from marts.followups order by client_id, due_date",
    )
    assert got == [
        # due 04-12, after the cut-off: not due, not counted
        ("C1", "30d", False, False, False, False, None),
        # due 02-20, window closed 03-22, still pending: overdue, counted (as not reached)
        ("C2", "2w", True, True, True, True, None),
        # due 03-08; window closes 04-07 (after the cut-off), but "unreachable" is final
        ("C2", "30d", True, False, False, True, None),
        ("C4", "30d", True, False, False, True, 10),
        ("C5", "30d", True, True, False, True, 2),
    ]


@pytest.mark.parametrize("model", sorted(GRAIN))
def test_every_model_states_its_grain(model):
    from pipelines.build import SQL_DIR

    header = (SQL_DIR / "marts" / f"{model}.sql").read_text().split("\nwith ")[0]
    assert "Grain:" in header
