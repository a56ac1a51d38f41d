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
