"""Abstinence on the tiny dataset (tests/fixtures/tiny/README.md has the working).

Days abstinent of 30 (substance `any`): intake C1 10, C2 5, C3 0, C4 12, C5#1 15, C6 20;
discharge C1 28, C2 12, C5#1 30, C6 16; 30-day follow-up C4 20, C5#1 30.
"""

import math
import statistics

import pytest
from scipy import stats

from pipelines import metrics
from tests.hand_formulas import wilson


def test_abstinence_by_timepoint(tiny_con):
    df = metrics.abstinence_by_timepoint(tiny_con).set_index("timepoint")
    assert df.index.tolist() == ["intake", "discharge", "30d"]
    assert df["n_episodes"].tolist() == [6, 4, 2]
    intake = [10 / 30, 5 / 30, 0, 12 / 30, 15 / 30, 20 / 30]
    assert df.loc["intake", "days_abstinent_rate_mean"] == pytest.approx(62 / 180)
    assert df.loc["intake", "days_abstinent_rate_median"] == pytest.approx(11 / 30)
    half = stats.t.ppf(0.975, 5) * statistics.stdev(intake) / math.sqrt(6)
    assert df.loc["intake", "days_abstinent_rate_mean_lower"] == pytest.approx(62 / 180 - half)
    assert df.loc["discharge", "days_abstinent_rate_mean"] == pytest.approx(86 / 120)
    assert df.loc["30d", "days_abstinent_rate_mean"] == pytest.approx(50 / 60)
    # GPRA "abstinent": 30 of 30 days. Nobody at intake, C5#1 at discharge and at 30 days.
    assert df["n_fully_abstinent"].tolist() == [0, 1, 1]
    assert df.loc["intake", "fully_abstinent_rate_upper"] == pytest.approx(wilson(0, 6)[1])
    assert df.loc["discharge", "fully_abstinent_rate_lower"] == pytest.approx(wilson(1, 4)[0])


def test_abstinence_change_wilcoxon_by_hand(tiny_con):
    df = metrics.abstinence_change(tiny_con).set_index("timepoint")
    discharge = df.loc["discharge"]
    # Pairs (days): C1 10 -> 28 (+18), C2 5 -> 12 (+7), C5#1 15 -> 30 (+15), C6 20 -> 16 (-4).
    # Ranks of |d|: 4 -> 1, 7 -> 2, 15 -> 3, 18 -> 4; W- = 1, W+ = 9. Exact null: of the 16 sign
    # patterns, W- <= 1 in 2 (W- = 0 or the smallest alone negative): two-sided p = 4/16 = 0.25.
    assert (discharge.n_pairs, discharge.n_improved, discharge.n_worse) == (4, 3, 1)
    assert discharge.statistic == 1
    assert discharge.p_value == pytest.approx(0.25)
    assert discharge.median_difference == pytest.approx(11 / 30)  # (7 + 15) / 2 days
    assert discharge.mean_difference == pytest.approx(36 / 120)
    assert discharge.intake_rate_mean == pytest.approx(50 / 120)
    assert (discharge.n_fully_abstinent_intake, discharge.n_fully_abstinent) == (0, 1)
    followup = df.loc["30d"]
    # C4 12 -> 20, C5#1 15 -> 30: both up, W- = 0; exact two-sided p = 2 * 1/4 = 0.5.
    assert (followup.n_pairs, followup.statistic, followup.p_value) == (2, 0, 0.5)
    assert "Wilcoxon" in followup.test


def test_abstinence_by_group(tiny_con):
    df = metrics.abstinence_by_timepoint(tiny_con, group_by="track")
    evening = df.query("group_value == 'Evening' and timepoint == 'intake'").iloc[0]
    assert evening.n_episodes == 2  # C3 0, C4 12; C5#2 has no intake assessment
    assert evening.days_abstinent_rate_mean == pytest.approx(6 / 30)
