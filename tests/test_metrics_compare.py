"""compare_groups on the tiny dataset, Morning vs Evening, against hand-worked tests."""

import math
from fractions import Fraction as F

import pytest

from pipelines import metrics


def bh(p: list[float]) -> list[float]:
    """Benjamini-Hochberg written longhand: min over j >= rank of m p(j) / j."""
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    for rank, i in enumerate(order, start=1):
        out[i] = min(1.0, min(m * p[order[j - 1]] / j for j in range(rank, m + 1)))
    return out


def test_compare_groups_by_track(tiny_con):
    df = metrics.compare_groups(tiny_con, group_by="track").set_index("metric")
    assert df.index[:3].tolist() == [
        "completion_rate",
        "completed_or_transferred_rate",
        "retention",
    ]
    assert {"value: Evening", "n: Evening", "value: Morning", "n: Morning"} <= set(df.columns)
    completion = df.loc["completion_rate"]
    # Evening 0/1, Morning 1/4: sparse 2x2 -> Fisher's exact test, p = 1.
    assert (completion["value: Evening"], completion["n: Evening"]) == (0, 1)
    assert (completion["value: Morning"], completion["n: Morning"]) == (0.25, 4)
    assert completion.test == "Fisher's exact test" and completion.p_value == 1
    assert completion.effect == pytest.approx(-0.25)  # Evening minus Morning
    assert "Evening minus Morning" in completion.effect_name
    # Initiation: Evening 2/3 (C3, C4), Morning 1/4 (C1). Hypergeometric probabilities of the
    # Evening count 0..3 given margins 3 initiated of 7: 4, 18, 12, 1 (/35); p = (4+12+1)/35.
    initiation = df.loc["initiation_rate"]
    assert initiation.p_value == pytest.approx(17 / 35)
    # Log-rank: chi-square (23/70)^2 / (12/49 + 1/4 + 6/25) (see test_metrics_retention.py).
    v = F(12, 49) + F(1, 4) + F(6, 25)
    assert df.loc["retention", "statistic"] == pytest.approx(float(F(23, 70) ** 2 / v))
    log_hr = float(F(23, 70) / v)
    assert df.loc["retention", "effect"] == pytest.approx(math.exp(log_hr))  # Morning vs Evening
    # Length of stay: Evening 11 vs Morning 4, 25, 46, 67 -> U = 1, rank-biserial 2/4 - 1.
    los = df.loc["length_of_stay"]
    assert (los.statistic, los.effect, los["value: Morning"]) == (1, -0.5, 35.5)
    # Benjamini-Hochberg over every row with a p-value.
    tested = df["p_value"].notna()
    assert df.loc[tested, "p_adjusted"].tolist() == pytest.approx(
        bh(df.loc[tested, "p_value"].tolist())
    )
    # A row with only one group holding data says so instead of testing.
    readmission = df.loc["readmission_rate_90d"]
    assert math.isnan(readmission.p_value) and "fewer than 2" in readmission.note


def test_compare_groups_needs_groups(tiny_con):
    df = metrics.compare_groups(tiny_con)
    assert df["p_value"].isna().all()
    assert {"value: All", "n: All"} <= set(df.columns)
