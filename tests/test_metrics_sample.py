"""Every metric on a generated sample of 2,000 episodes: runs, and gives plausible values.

Plausible means: within the ranges the simulated program (sample_data/params.py, TEDS 2004 IOP
proportions) makes likely, intervals around their estimates, counts that add up.
"""

from __future__ import annotations

import inspect

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipelines import metrics
from tests.generated_sample import build_sample
from tests.model_checks import check_contract

METRICS = [n for n in metrics.__all__ if inspect.isfunction(getattr(metrics, n))]
EPISODES = 2000


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    db, truth = build_sample(tmp_path_factory, episodes=EPISODES, seed=11)
    con = duckdb.connect(str(db), read_only=True)
    yield con, truth
    con.close()


def check_rates(df: pd.DataFrame) -> None:
    """Every `x_rate` with an interval: 0 <= lower <= rate <= upper <= 1; counts >= 0."""
    for column in df.columns:
        if f"{column}_lower" in df.columns and f"{column}_upper" in df.columns:
            ok = df.dropna(subset=[column, f"{column}_lower", f"{column}_upper"])
            low, rate, high = (
                ok[c].to_numpy(float) for c in (f"{column}_lower", column, f"{column}_upper")
            )
            assert (low <= rate + 1e-12).all() and (rate <= high + 1e-12).all(), column
            if column.endswith("_rate"):
                assert ((low >= 0) & (high <= 1)).all(), column
        if column.startswith("n_"):
            assert (df[column].dropna() >= 0).all(), column


def test_marts_pass_the_contract_checks(sample):
    check_contract(sample[0])


@pytest.mark.parametrize("name", METRICS)
def test_every_metric_runs(sample, name):
    con, _ = sample
    for group_by in (None, "track"):
        df = getattr(metrics, name)(con, group_by=group_by)
        assert not df.empty
        check_rates(df)


def test_census_is_consistent(sample):
    con, _ = sample
    census = metrics.census_by_month(con)
    assert census["n_admissions"].sum() == EPISODES
    assert census["n_active_end"].iloc[-1] == metrics.active_census(con)["n_active"].iloc[0]
    flow = census["n_admissions"].cumsum() - census["n_discharges"].cumsum()
    assert (flow == census["n_active_end"]).all()  # stock = admissions - discharges so far


def test_outcome_levels_are_plausible(sample):
    con, _ = sample
    completion = metrics.completion_rate(con).iloc[0]
    assert 0.25 < completion.completion_rate < 0.55  # TEDS 2004 IOP: 37.7%
    assert completion.completed_or_transferred_rate > completion.completion_rate
    los = metrics.length_of_stay(con).set_index("discharge_reason")
    assert 30 < los.loc["all", "los_median_days"] < 80  # TEDS 2004 IOP: 41 days
    assert los.loc["completed", "los_median_days"] > los.loc["dropped_out", "los_median_days"]
    retention = metrics.retention_at(con).set_index("day")["retained_rate"]
    assert 0.95 > retention[30] > retention[60] > retention[90] > 0.3
    curve = metrics.retention_curve(con)
    assert (np.diff(curve["retained_rate"]) <= 0).all()
    attendance = metrics.attendance_rate(con).iloc[0]
    assert 0.7 < attendance.attendance_rate < 0.95 and attendance.no_show_rate < 0.2
    dose = metrics.hours_per_week(con).iloc[0]
    assert 5 < dose.hours_per_week_mean < 15
    iet = metrics.initiation_engagement(con).iloc[0]
    assert iet.n_engaged <= iet.n_initiated <= iet.n_eligible_initiation


def test_abstinence_improves_and_followup_is_biased_as_simulated(sample):
    con, _ = sample
    change = metrics.abstinence_change(con).set_index("timepoint")
    assert (change["mean_difference"] > 0).all()  # the simulated program helps
    assert change.loc["discharge", "p_value"] < 0.001
    status = metrics.followup_status(con)
    assert status["followup_rate"].between(0.2, 0.95).all()
    assert (status["n_in_window"] <= status["n_completed"]).all()
    # Completers answer more often in the simulation: the retention-bias table shows it.
    bias = metrics.followup_bias(con)
    completed = bias.query("characteristic == 'completed treatment' and level == 'yes'").iloc[0]
    assert completed.followed_value > completed.lost_value and completed.p_value < 0.05


def test_compare_groups_finds_the_simulated_track_effect(sample):
    con, _ = sample
    df = metrics.compare_groups(con, group_by="track").set_index("metric")
    # Premature-exit hazard ratios 0.7 to 1.5 across tracks: log-rank finds it in 2,000.
    assert df.loc["retention", "p_adjusted"] < 0.01
    assert (df["p_adjusted"].dropna() >= df["p_value"].dropna() - 1e-12).all()


@pytest.mark.parametrize("group_by", [None, "track", "admission_quarter", "discharge_reason"])
def test_followup_status_through_patterns_equals_every_followup_joined(sample, group_by):
    """followup_status counts episodes by follow-up pattern (marts.followup_patterns); the same
    counts come from joining every follow-up of marts.followups to its filtered episode."""
    con, _ = sample
    filters = metrics.Filters(sexes=("female",))
    direct = con.execute(
        """
        select e.group_value, f.timepoint, count(*) as n_scheduled,
            count(*) filter (where f.is_due) as n_due,
            count(*) filter (where f.is_completed) as n_completed,
            count(*) filter (where f.is_in_window) as n_in_window,
            count(*) filter (where f.is_overdue) as n_overdue,
            count(*) filter (where f.status = 'deceased') as n_deceased,
            count(*) filter (where f.is_in_followup_rate) as n_eligible
        from marts.filtered_episodes(null, null, null, null, null, null, null, ['female'],
            null, null, $group) as e
        inner join marts.followups as f using (episode_id)
        group by all order by all
        """,
        {"group": group_by},
    ).df()
    status = metrics.followup_status(con, filters=filters, group_by=group_by)
    status = status.sort_values(["group_value", "timepoint"]).reset_index(drop=True)
    assert len(direct) > 0
    pd.testing.assert_frame_equal(status[direct.columns], direct, check_dtype=False)
    # Patterns are shared: fewer of them than episodes with a follow-up.
    n_patterns, n_episodes = con.execute(
        "select count(distinct followup_pattern_id), count(followup_pattern_id) from marts.episodes"
    ).fetchone()
    assert 0 < n_patterns < n_episodes


@pytest.mark.parametrize("in_window_only", [True, False])
@pytest.mark.parametrize("group_by", [None, "track"])
def test_followup_outcomes_through_patterns_equal_every_followup_joined(
    sample, group_by, in_window_only
):
    """followup_outcomes counts episodes by answer pattern (marts.followup_answer_patterns); the
    same counts come from joining every reached follow-up to its filtered episode."""
    con, _ = sample
    direct = con.execute(
        """
        select e.group_value, f.timepoint, count(*) as n_reached,
            count(f.is_fully_abstinent) as n_answered,
            count(*) filter (where f.is_fully_abstinent) as n_yes
        from marts.filtered_episodes(null, null, null, null, null, null, null, ['female'],
            null, null, $group) as e
        inner join marts.followups as f using (episode_id)
        where f.is_completed and (f.is_in_window or not $in_window)
        group by all order by all
        """,
        {"group": group_by, "in_window": in_window_only},
    ).df()
    outcomes = metrics.followup_outcomes(
        con,
        filters=metrics.Filters(sexes=("female",)),
        group_by=group_by,
        in_window_only=in_window_only,
    )
    abstinent = outcomes[outcomes["outcome"] == "abstinent"]
    abstinent = abstinent.sort_values(["group_value", "timepoint"]).reset_index(drop=True)
    assert len(direct) > 0
    pd.testing.assert_frame_equal(abstinent[direct.columns], direct, check_dtype=False)
