"""Follow-up on the tiny dataset (tests/fixtures/tiny/README.md has the working).

Follow-ups (cut-off 2026-03-31, window +/- 30 days): C1 30d due 04-12 pending (not due);
C2 2w due 02-20 pending (window closed 03-22: overdue); C2 30d due 03-08 unreachable;
C4 30d due 03-15 reached 03-25; C5#1 30d due 01-18 reached 01-20.
"""

import math

import pytest

from pipelines import metrics
from tests.hand_formulas import wilson


def test_followup_status(tiny_con):
    df = metrics.followup_status(tiny_con).set_index("timepoint")
    assert df.index.tolist() == ["30d", "2w"]  # seed order; a label not in the seed goes last
    cols = [
        "n_scheduled",
        "n_due",
        "n_not_yet_due",
        "n_completed",
        "n_in_window",
        "n_overdue",
        "n_deceased",
        "n_eligible",
    ]
    assert df.loc["30d", cols].tolist() == [4, 3, 1, 2, 2, 0, 0, 3]
    assert df.loc["2w", cols].tolist() == [1, 1, 0, 0, 0, 1, 0, 1]
    # Rate: in window / counted (final or overdue, not deceased) = 2/3 at 30 days.
    assert df.loc["30d", "followup_rate"] == pytest.approx(2 / 3)
    assert (df.loc["30d", "followup_rate_lower"], df.loc["30d", "followup_rate_upper"]) == (
        pytest.approx(wilson(2, 3))
    )
    assert df.loc["2w", "followup_rate"] == 0
    assert not df["meets_target"].any()
    assert set(df["target_rate"]) == {0.8}


def test_followup_patterns_share_one_pattern_per_way_follow_ups_stand(tiny_con):
    # C4 and C5#1 each have one 30d follow-up reached in window: one pattern. C1 (30d pending,
    # not due) and C2 (2w overdue + 30d unreachable) have their own; the others have none.
    rows = tiny_con.execute(
        "select client_id, admission_date, followup_pattern_id from marts.episodes "
        "order by client_id, admission_date"
    ).fetchall()
    ids = {(c, str(d)): p for c, d, p in rows}
    assert ids[("C4", "2026-02-02")] == ids[("C5", "2025-11-03")]
    assert (
        len({ids[("C1", "2026-01-05")], ids[("C2", "2026-01-12")], ids[("C4", "2026-02-02")]}) == 3
    )
    assert [ids[k] for k in (("C3", "2026-01-20"), ("C5", "2026-02-16"), ("C6", "2026-03-02"))] == [
        None
    ] * 3
    patterns = tiny_con.execute(
        "select followup_pattern_id, timepoint, status, is_overdue from marts.followup_patterns "
        "order by 1, 2"
    ).fetchall()
    assert sorted((t, s, o) for p, t, s, o in patterns if p == ids[("C2", "2026-01-12")]) == [
        ("2w", "pending", True),
        ("30d", "unreachable", False),
    ]
    assert len(patterns) == 4  # 1 (C1) + 2 (C2) + 1 (C4 and C5#1 together)
    # Answers: C4 (20 days abstinent, not employed) and C5#1 (30 days, employed) differ; C1 and
    # C2 were never reached.
    answers = dict(
        tiny_con.execute(
            "select client_id || ' ' || admission_date, answer_pattern_id from marts.episodes"
        ).fetchall()
    )
    assert answers["C1 2026-01-05"] is None and answers["C2 2026-01-12"] is None
    assert None not in (answers["C4 2026-02-02"], answers["C5 2025-11-03"])
    assert answers["C4 2026-02-02"] != answers["C5 2025-11-03"]
    assert tiny_con.execute(
        "select timepoint, is_in_window, is_fully_abstinent, employed_or_in_school "
        "from marts.followup_answer_patterns where answer_pattern_id = ?",
        [answers["C4 2026-02-02"]],
    ).fetchall() == [("30d", True, False, False)]


def test_followup_outcomes_among_those_reached(tiny_con):
    df = metrics.followup_outcomes(tiny_con).set_index("outcome")
    # Reached at 30 days: C4 (20 days abstinent, not employed, housed, not arrested) and C5#1
    # (30 days abstinent, employed, housed, not arrested).
    assert df.index.tolist() == [
        "abstinent",
        "employed_or_in_school",
        "stable_housing",
        "arrested_30d",
    ]
    assert set(df["n_reached"]) == {2}
    assert df["n_yes"].tolist() == [1, 1, 2, 0]
    assert df["outcome_rate"].tolist() == [0.5, 0.5, 1.0, 0.0]
    assert df.loc["arrested_30d", "outcome_rate_upper"] == pytest.approx(wilson(0, 2)[1])


def test_followup_bias_table(tiny_con):
    df = metrics.followup_bias(tiny_con)
    # Episodes with a counted follow-up: C4 and C5#1 reached (followed), C2 not (lost).
    assert set(df["n_followed_total"]) == {2} and set(df["n_lost_total"]) == {1}
    age = df.query("characteristic == 'age at admission'").iloc[0]
    # Followed ages 19 and 52 (median 35.5), lost 28. U = #(followed > lost) = 1 of 2 pairs;
    # exact two-sided p = 1 (U = 0, 1, 2 equally likely).
    assert (age.followed_value, age.lost_value, age.statistic, age.p_value) == (35.5, 28, 1, 1)
    pda = df.query("characteristic == 'percent days abstinent at intake'").iloc[0]
    # 12/30 and 15/30 vs 5/30: U = 2 (both above), P(U = 2) = 1/3, two-sided 2/3.
    assert pda.followed_value == pytest.approx(13.5 / 30)
    assert pda.p_value == pytest.approx(2 / 3)
    sex = df.query("characteristic == 'sex'").set_index("level")
    # Followed: female C4, male C5; lost: male C2. Fisher on [[1, 1], [0, 1]]: p = 1.
    assert sex[["n_followed", "n_lost"]].values.tolist() == [[1, 0], [1, 1]]
    assert sex.loc["female", "followed_value"] == 0.5
    assert sex["test"].iloc[0] == "Fisher's exact test" and sex["p_value"].iloc[0] == 1
    completed = df.query("characteristic == 'completed treatment'")
    assert completed["level"].tolist() == ["no"]  # nobody followed up completed: no test
    assert math.isnan(completed["p_value"].iloc[0])


def test_followup_bias_at_one_timepoint(tiny_con):
    df = metrics.followup_bias(tiny_con, timepoint="2w")
    # Only C2 has a 2-week follow-up, and was not reached: nothing to compare.
    assert set(df["n_followed_total"]) == {0} and set(df["n_lost_total"]) == {1}
    assert df["p_value"].isna().all()
