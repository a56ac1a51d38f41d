"""Group aggregates of the outcome definitions on the hand-made mini dataset (its opioid words:
A1 "*o_o+-" and A4 "+o" on the Morning track, A2 "o++*" and A3 "+-----" on the Evening track;
see test_patterns_words.py). Every expected value is worked out by hand below."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pytest

from pipelines.metrics.filters import Filters
from pipelines.patterns import (
    DEFINITIONS,
    episode_outcomes,
    positivity_by_week,
    relapse_curve,
    relapse_logrank,
    relapse_rate,
)

from .hand_formulas import loglog_band, wilson
from .test_patterns_words import build_mini


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    con = duckdb.connect(str(build_mini(tmp_path_factory.mktemp("mini_agg"))), read_only=True)
    yield con
    con.close()


def by_group(df, value: str) -> dict:
    return dict(zip(df["group_value"], df[value], strict=True))


def test_relapse_rate_ctn0094_by_track(con):
    # CTN-0094 relapse: 4 consecutive positive weeks, missing and mixed counted positive.
    # A1 "++_++-": no window of 4 positives (the _ interrupts) -> censored; A4 "+o" is shorter
    # than the window -> not evaluable; A2 "++++" -> event; A3 "+-----" -> censored.
    df = relapse_rate(con, group_by="track", definition="ctn0094_relapse")
    assert list(df["group_value"]) == ["Evening", "Morning"]
    assert by_group(df, "n_episodes") == {"Evening": 2, "Morning": 2}
    assert by_group(df, "n_evaluable") == {"Evening": 2, "Morning": 1}
    assert by_group(df, "n_events") == {"Evening": 1, "Morning": 0}
    evening = df[df["group_value"] == "Evening"].iloc[0]
    assert evening["event_rate"] == 0.5
    assert (evening["event_rate_lower"], evening["event_rate_upper"]) == pytest.approx(wilson(1, 2))
    morning = df[df["group_value"] == "Morning"].iloc[0]
    assert morning["event_rate"] == 0.0
    assert morning["event_rate_upper"] == pytest.approx(wilson(0, 1)[1])


def test_rates_side_by_side_over_definitions_and_rules(con):
    # The 'any' words: A1 "*+_o+-", A2 "+++*", A3 "+-----", A4 "+o". Abstinence (weeks 12-15)
    # fails for words shorter than 15 weeks: 0 of 4 under the published rule; completers only
    # keeps the words without 'o', A2 and A3.
    df = relapse_rate(
        con, definition=["ctn0094_abstinence", "krupitsky2004_relapse"],
        missing=["positive", "completers"], substance="any",
    )  # fmt: skip
    rows = {(r.definition, r.missing): r for r in df.itertuples()}
    assert (rows["ctn0094_abstinence", "positive"].n_evaluable, rows[
        "ctn0094_abstinence", "positive"].n_events) == (4, 0)  # fmt: skip
    assert rows["ctn0094_abstinence", "completers"].n_evaluable == 2
    # Krupitsky (3 consecutive positive weeks): A1 "++_++-" (recoded) has no 3-run; A2 "++++"
    # -> event; A3 "+-----" no; A4 "+o" is shorter than 3 -> NA: 1 of 3.
    krupitsky = rows["krupitsky2004_relapse", "positive"]
    assert (krupitsky.n_episodes, krupitsky.n_evaluable, krupitsky.n_events) == (4, 3, 1)
    assert krupitsky.event_rate == pytest.approx(1 / 3)
    # Completers: A2 (event) and A3 (none).
    assert rows["krupitsky2004_relapse", "completers"].n_evaluable == 2
    assert rows["krupitsky2004_relapse", "completers"].n_events == 1


def test_rate_refuses_counts(con):
    with pytest.raises(ValueError, match="fiellin2006_negative_weeks is a count"):
        relapse_rate(con, definition="fiellin2006_negative_weeks")


def test_relapse_curve_lee2016_by_track(con):
    # Lee 2016 (2 positive weeks in 4, dated at window start + 2): A1 (3, event), A4 NA,
    # A2 (3, event), A3 "+-----" censored at 3 windows + 2 = 5.
    df = relapse_curve(con, group_by="track", definition="lee2016_relapse")
    morning = df[df["group_value"] == "Morning"]
    assert list(morning["week"]) == [0.0, 3.0] and list(morning["event_free_rate"]) == [1.0, 0.0]
    evening = df[df["group_value"] == "Evening"].set_index("week")
    assert list(evening.index) == [0.0, 3.0, 5.0]
    assert list(evening["event_free_rate"]) == [1.0, 0.5, 0.5]
    assert list(evening["n_at_risk"]) == [2, 2, 1]
    assert list(evening["n_censored"]) == [0, 0, 1]
    # Greenwood at week 3: d / (n (n - d)) = 1 / (2 * 1).
    lower, upper = loglog_band(0.5, 0.5)
    assert evening.loc[3.0, "event_free_rate_lower"] == pytest.approx(lower)
    assert evening.loc[3.0, "event_free_rate_upper"] == pytest.approx(upper)


def test_relapse_logrank_lee2016_by_track(con):
    # One event time, week 3: 3 at risk (Morning 1, Evening 2), 2 events (one each).
    # Expected Morning 2 * 1/3, Evening 2 * 2/3; variance 2 * (1/3)(2/3)(3-2)/(3-1) = 2/9;
    # chi-square (1 - 2/3)^2 / (2/9) = 0.5 with 1 df.
    df = relapse_logrank(con, group_by="track", definition="lee2016_relapse").set_index(
        "group_value"
    )
    assert df.loc["Morning", "n_evaluable"] == 1 and df.loc["Evening", "n_evaluable"] == 2
    assert df.loc["Morning", "n_expected"] == pytest.approx(2 / 3)
    assert df.loc["Evening", "n_expected"] == pytest.approx(4 / 3)
    assert df["statistic"].tolist() == pytest.approx([0.5, 0.5])
    assert df.loc["Morning", "p_value"] == pytest.approx(math.erfc(math.sqrt(0.5 / 2)))


def test_logrank_with_one_group_has_no_test(con):
    df = relapse_logrank(con, definition="lee2016_relapse")
    assert list(df["group_value"]) == ["All"] and np.isnan(df["statistic"].iloc[0])


# (positive weeks, weeks) per week 1-6, by rule. Symbols by week: w1 * o + +, w2 o + - o,
# w3 _ + -, w4 o * -, w5 + -, w6 - -.
POSITIVITY = {
    # among weeks with a test
    "ignored": [(3, 3), (1, 2), (1, 2), (1, 2), (1, 2), (0, 2)],
    # 'o' counted positive, among scheduled weeks (A1's '_' in week 3 left out)
    "positive": [(4, 4), (3, 4), (1, 2), (2, 3), (1, 2), (0, 2)],
    # episodes without a missing week: A3 only
    "completers": [(1, 1), (0, 1), (0, 1), (0, 1), (0, 1), (0, 1)],
}


@pytest.mark.parametrize("rule", POSITIVITY)
def test_positivity_by_week(con, rule):
    df = positivity_by_week(con, missing=rule)
    assert list(df["week_number"]) == [1, 2, 3, 4, 5, 6]
    assert list(zip(df["n_positive_weeks"], df["n_weeks"], strict=True)) == POSITIVITY[rule]
    x, n = POSITIVITY[rule][1]
    assert df["positive_rate"].iloc[1] == x / n
    assert (df["positive_rate_lower"].iloc[1], df["positive_rate_upper"].iloc[1]) == (
        pytest.approx(wilson(x, n))
    )


def test_positivity_all_rules_and_filters(con):
    df = positivity_by_week(con, group_by="track", filters=Filters(tracks=("Evening",)))
    assert set(df["missing"]) == {"positive", "ignored", "completers"}
    assert set(df["group_value"]) == {"Evening"}
    ignored = df[df["missing"] == "ignored"]
    # Evening: A2 "o++*", A3 "+-----": week 1 tested only A3 (+), week 4 A2 * and A3 -.
    assert list(ignored["n_positive_weeks"])[:4] == [1, 1, 1, 1]
    assert list(ignored["n_weeks"])[:4] == [1, 2, 2, 2]


def test_episode_outcomes_follow_the_filters(con):
    df = episode_outcomes(
        con, filters=Filters(tracks=("Morning",)), definitions=["retention_weeks"]
    )
    # Retention: position of the last non-missing week: A1 "*o_o+-" 6, A4 "+o" 1.
    assert dict(zip(df["client_id"], df["retention_weeks"], strict=True)) == {"A1": 6, "A4": 1}


def test_docs_describe_every_function_and_definition():
    text = (Path(__file__).resolve().parents[1] / "docs" / "patterns.md").read_text()
    for function in ("relapse_rate", "relapse_curve", "relapse_logrank", "positivity_by_week"):
        assert f"### `{function}`" in text
    for id in DEFINITIONS:
        assert f"| `{id}` |" in text
    for model in ("use_substance_classes", "use_test_weeks", "use_weeks", "episode_words"):
        assert f"pipelines/sql/marts/{model}.sql" in text


def test_no_episode_selected_gives_empty_frames(con):
    nobody = Filters(tracks=("Afternoon",))
    for function in (relapse_rate, relapse_curve, relapse_logrank, positivity_by_week):
        frame = function(con, filters=nobody, group_by="track")
        assert frame.empty and "group_value" in frame.columns, function.__name__
