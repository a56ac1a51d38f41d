"""Every metric takes the shared filters and every allow-listed group-by, and nothing else."""

import inspect

import pandas as pd
import pytest

from pipelines import metrics
from pipelines.metrics import GROUP_COLUMNS, Filters

METRICS = [n for n in metrics.__all__ if inspect.isfunction(getattr(metrics, n))]


@pytest.mark.parametrize("name", METRICS)
def test_signature_is_con_filters_group_by(name):
    params = inspect.signature(getattr(metrics, name)).parameters
    assert list(params)[:3] == ["con", "filters", "group_by"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in list(params.values())[1:])
    assert all(p.default is not inspect.Parameter.empty for p in list(params.values())[1:])


@pytest.mark.parametrize("group_by", GROUP_COLUMNS)
def test_every_allow_listed_group_by(tiny_con, group_by):
    # The shared macro makes group_value; one metric per column shows each works.
    df = metrics.active_census(tiny_con, group_by=group_by)
    assert df["n_episodes"].sum() == 7
    assert df["group_value"].notna().all()


@pytest.mark.parametrize("name", METRICS)
def test_groups_and_an_empty_selection(tiny_con, name):
    fn = getattr(metrics, name)
    for group_by in (None, "track", "discharge_reason", "admission_month"):
        df = fn(tiny_con, group_by=group_by)
        assert isinstance(df, pd.DataFrame) and not df.empty
    empty = fn(tiny_con, filters=Filters(tracks=("No such track",)))
    count_columns = [c for c in empty.columns if c.startswith("n_")]
    assert empty.empty or (empty[count_columns] == 0).all().all()
    with pytest.raises(ValueError, match="cannot group by"):
        fn(tiny_con, group_by="client_id")


@pytest.mark.parametrize(
    ("name", "keys", "counts"),
    [
        ("completion_rate", [], ["n_discharged", "n_completed", "n_completed_or_transferred"]),
        ("discharges_by_reason", ["discharge_reason"], ["n_discharges"]),
        ("length_of_stay_buckets", ["los_bucket"], ["n_discharges"]),
        ("attendance_rate", [], ["n_scheduled", "n_attended", "n_no_show"]),
        ("initiation_engagement", [], ["n_eligible_initiation", "n_initiated", "n_engaged"]),
        ("followup_status", ["timepoint"], ["n_scheduled", "n_in_window", "n_eligible"]),
        ("followup_outcomes", ["timepoint", "outcome"], ["n_reached", "n_yes"]),
        ("readmission_rate", ["window_days"], ["n_discharged_eligible", "n_readmitted"]),
        ("attendance_by_week", ["week_number"], ["n_episodes", "n_scheduled", "n_attended"]),
    ],
)
@pytest.mark.parametrize("group_by", ["track", "admission_quarter"])
def test_strata_sum_to_the_total(tiny_con, name, keys, counts, group_by):
    fn = getattr(metrics, name)
    total = fn(tiny_con)
    strata = fn(tiny_con, group_by=group_by)
    if keys:
        total = total.set_index(keys)[counts]
        strata = strata.groupby(keys)[counts].sum()
    else:
        total, strata = total[counts].sum(), strata[counts].sum()
    pd.testing.assert_frame_equal(
        pd.DataFrame(strata).sort_index(), pd.DataFrame(total).sort_index(), check_dtype=False
    )
