"""Outcome definitions on use-pattern words: hand-worked values, the three missing-data rules,
and bulk (vectorised) == single (plain loop) on many random words.

Legend: + positive, - negative, * mixed, o missing, _ not scheduled. Under the rule 'positive'
the use definitions read o and * as +; under 'ignored' every o is deleted first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.patterns import (
    DEFINITIONS,
    MISSING_RULES,
    SYMBOLS,
    TimeEvent,
    evaluate,
    evaluate_rules,
    window_definition,
)
from pipelines.patterns import bulk as bulk_module
from pipelines.patterns.definitions import Definition, Value
from pipelines.patterns.rules import window_rule
from pipelines.patterns.words import USE_RECODING

NA = TimeEvent(None, None)
REQUIRED_IDS = {
    "ctn0094_relapse",
    "ctn0094_dropout",
    "ctn0094_abstinence",
    "lee2016_relapse",
    "krupitsky2004_relapse",
    "fiellin2006_negative_weeks",
    "schottenfeld2008_longest_abstinence",
    "retention_weeks",
    "negative_weeks_share_1_12",
    "first_positive_week",
}


def te(time: int, event: int) -> TimeEvent:
    return TimeEvent(time, event)


# --- the shared window rule -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "width", "threshold", "offset", "expected"),
    [
        # CTNote's own offset example (detect_in_window.R): use starts in week 8 of
        # "-------++++"; with the default offset w - t every rule dates relapse at week 8 ...
        ("-------++++", 4, 4, 0, te(8, 1)),
        ("-------++++", 4, 3, 1, te(8, 1)),  # window 7 "-+++" holds 3; 7 + 1
        ("-------++++", 4, 2, 2, te(8, 1)),  # window 6 "--++" holds 2; 6 + 2
        # ... and with offset 0 at the start of the detecting window: weeks 7 and 6.
        ("-------++++", 4, 3, 0, te(7, 1)),
        ("-------++++", 4, 2, 0, te(6, 1)),
        # CTNote's example detect_in_window("o-o+++"): windows "o-o+" 1, "-o++" 2, "o+++" 3.
        ("o-o+++", 4, 3, 1, te(4, 1)),
        ("", 4, 4, 0, NA),  # no window at all
        ("+++", 4, 3, 1, NA),  # shorter than the window: CTNote returns NA
        ("++++", 4, 4, 0, te(1, 1)),  # exactly one window
        ("--------", 4, 4, 0, te(5, 0)),  # censored at 8 - 4 + 1 = 5 windows, + 0
        ("--------", 4, 2, 2, te(7, 0)),  # censored at 5 + 2
        ("------++++", 4, 4, 0, te(7, 1)),  # the very last window
        # Event in the last window and censoring give the same time; only `event` differs.
        ("--------++", 4, 2, 2, te(9, 1)),
        ("---------+", 4, 2, 2, te(9, 0)),
        ("++++-++++", 4, 4, 0, te(1, 1)),  # several qualifying windows: the first wins
        ("+-+-+-", 4, 2, 2, te(3, 1)),  # windows 1..3 all hold 2: first is 1, + 2
    ],
)
def test_window_rule(
    word: str, width: int, threshold: int, offset: int, expected: TimeEvent
) -> None:
    assert window_rule(word, "+", width, threshold, offset) == expected


def test_window_definition_rejects_threshold_above_width() -> None:
    with pytest.raises(ValueError, match="threshold"):
        window_definition(
            "x", "x", match="+", width=2, threshold=3, recoding=USE_RECODING,
            missing_rule="", citation="", source="",
        )  # fmt: skip


def test_every_window_definition_uses_the_shared_rule_with_ctnote_offset() -> None:
    for definition in DEFINITIONS.values():
        if definition.kind == "time_event":
            params = definition.params
            assert params["offset"] == params["width"] - params["threshold"]


# --- each definition, hand-worked -----------------------------------------------------------

CASES: dict[str, list[tuple[str, str, object]]] = {
    "ctn0094_relapse": [
        ("", "positive", NA),
        ("+++", "positive", NA),  # shorter than the 4-week window
        ("oooo", "positive", te(1, 1)),  # all missing -> "++++"
        ("--o*+-", "positive", te(3, 0)),  # "--+++-": windows hold 2, 3, 3; censored 3
        ("--o*++", "positive", te(3, 1)),  # "--++++": the last window
        ("-_++++", "positive", te(3, 1)),  # _ stays in place; window 3 is "++++"
        ("++_++", "positive", te(2, 0)),  # _ never matches: windows hold 3, 3
        ("--o*++", "ignored", te(2, 0)),  # "--*++" -> "--+++": windows 2, 3
        ("oooo++", "ignored", NA),  # "++" is shorter than the window
        ("--o*++", "completers", NA),  # has a missing week
        ("--*+++", "completers", te(3, 1)),  # no missing week: "--++++"
    ],
    "ctn0094_dropout": [
        ("--oooo", "positive", te(3, 1)),
        ("--ooo-", "positive", te(3, 0)),
        ("o_ooo", "positive", te(2, 0)),  # _ is not missing: windows hold 3, 3
        ("*ooo", "positive", te(1, 0)),  # mixed is a test, not a missing week
        ("oooo", "positive", te(1, 1)),
        ("--oooo", "ignored", NA),  # "--" after deleting o: shorter than the window
        ("------oooo", "ignored", te(3, 0)),  # "------": no missing week can remain
        ("--oooo", "completers", NA),
        ("------", "completers", te(3, 0)),
    ],
    "lee2016_relapse": [
        ("-+-+----", "positive", te(3, 1)),  # window 1 holds 2; 1 + 2
        ("---+---+", "positive", te(7, 0)),  # every window holds 1; 5 windows + 2
        ("--o", "positive", NA),
        ("---*o-", "positive", te(4, 1)),  # "---++-": window 2 "--++"; 2 + 2
        ("---*o-", "ignored", te(4, 0)),  # "---*-" -> "---+-": 2 windows of 1; 2 + 2
        ("---*o-", "completers", NA),
    ],
    "krupitsky2004_relapse": [
        ("-+o+-", "positive", te(2, 1)),  # "-+++-": window 2
        ("+o-o+", "positive", te(3, 0)),  # "++-++": no 3 in a row; 3 windows
        ("-+o+-", "ignored", te(2, 0)),  # "-++-": windows hold 2, 2
        ("++", "positive", NA),
    ],
    "first_positive_week": [
        ("---+", "positive", te(4, 1)),
        ("----", "positive", te(4, 0)),  # censored at the word's length
        ("", "positive", NA),
        ("--o-", "positive", te(3, 1)),  # missing counts as positive
        ("--o-", "ignored", te(3, 0)),  # "---"
        ("--o-", "completers", NA),
        ("_*", "positive", te(2, 1)),  # mixed counts as positive
        ("_", "positive", te(1, 0)),
    ],
    "ctn0094_abstinence": [
        ("", "positive", False),
        ("-" * 14, "positive", False),  # not followed to week 15
        ("-" * 15, "positive", True),
        ("+" * 11 + "----", "positive", True),  # only weeks 12-15 count
        ("-" * 11 + "o---", "positive", True),  # one missing week tolerated
        ("-" * 11 + "oo--", "positive", False),  # two are not
        ("-" * 11 + "*---", "positive", False),  # mixed counts as positive
        ("-" * 11 + "_---", "positive", False),  # not scheduled is not accepted
        ("-" * 11 + "-+--", "positive", False),
        ("-" * 15 + "++++", "positive", True),  # weeks after 15 do not count
        ("-" * 11 + "oo--", "ignored", True),  # missing weeks dropped, negatives remain
        ("-" * 11 + "ooo-", "ignored", True),
        ("-" * 11 + "oooo", "ignored", False),  # nothing left to show abstinence
        ("o" + "-" * 14, "completers", None),  # a missing week anywhere excludes the word
        ("-" * 15, "completers", True),
        ("-" * 14, "completers", False),
    ],
    "fiellin2006_negative_weeks": [
        ("", "positive", 0),
        ("oooo", "positive", 0),
        ("-*-o-+", "positive", 3),
        ("__--", "positive", 2),  # not-scheduled weeks are not negative weeks
        ("-*-o-+", "ignored", 3),  # deleting o never changes the number of - weeks
        ("-*-o-+", "completers", None),
        ("-*--", "completers", 3),
    ],
    "schottenfeld2008_longest_abstinence": [
        ("", "positive", 0),
        ("oooo", "positive", 0),
        ("--o---", "positive", 3),  # "--+---"
        ("--o---", "ignored", 5),  # "-----": the run bridges the missing week
        ("--o---", "completers", None),
        ("-_-+--", "positive", 3),  # _ continues (and counts in) the run "-_-"
        ("*--", "positive", 2),
        # CTNote paper's worked example (participant 2089 in CTNote's data):
        # "++++---+" then 14 negatives, a missing week and a negative.
        ("++++---+" + "-" * 14 + "o-", "positive", 14),
        ("++++---+" + "-" * 14 + "o-", "ignored", 15),
    ],
    "retention_weeks": [
        ("", "positive", 0),
        ("oooo", "positive", 0),
        ("--o-oo", "positive", 4),
        ("-_oo", "positive", 2),  # _ counts as present, as in CTNote's measure_retention
        ("o+oo", "positive", 2),
        ("*", "positive", 1),
        ("--o-oo", "ignored", 3),  # "---": time in observed weeks
        ("--o-oo", "completers", None),
        ("--_", "completers", 3),
    ],
    "negative_weeks_share_1_12": [
        ("", "positive", 0.0),  # 0 negative weeks of 12
        ("-" * 12, "positive", 1.0),
        ("-" * 6, "positive", 0.5),  # weeks 7-12 untested: 6 / 12
        ("---o--*-+-__", "positive", 0.7),  # 7 negatives / (12 - 2 not scheduled)
        ("-" * 12 + "++++", "positive", 1.0),  # weeks after 12 do not count
        ("_" * 12, "positive", None),  # nothing scheduled: no denominator
        ("---o--*-+-__", "ignored", 7 / 9),  # 7 negatives / 9 tested weeks
        ("-" * 6, "ignored", 1.0),  # untested weeks 7-12 dropped: 6 / 6
        ("o" * 12, "ignored", None),
        ("", "ignored", None),
        ("---o--*-+-__", "completers", None),
        ("-" * 6, "completers", 0.5),
        ("--*-+-__", "completers", 0.4),  # 4 negatives / (12 - 2)
    ],
}


@pytest.mark.parametrize(
    ("definition_id", "word", "missing", "expected"),
    [(i, word, rule, value) for i, cases in CASES.items() for word, rule, value in cases],
)
def test_definition_hand_worked(
    definition_id: str, word: str, missing: str, expected: object
) -> None:
    definition = DEFINITIONS[definition_id]
    assert definition.single(word, missing) == expected
    row = evaluate([word], [definition_id], missing).iloc[0]
    assert _from_frame(row, definition) == expected


# One word under the three rules, every definition. W has missing weeks 3, 4 and 11, a mixed
# week 7, a positive week 2.  'positive' reads it as  -+++--+---+-----  (16 weeks);
# 'ignored' as  -+--+--------  (13 observed weeks; the * already recoded to +).
W = "-+oo--*---o-----"
SIDE_BY_SIDE = {
    "ctn0094_relapse": (te(13, 0), te(10, 0)),  # never 4 + in a row; 13 resp. 10 windows
    "ctn0094_dropout": (te(13, 0), te(10, 0)),  # never 4 o in a row
    "ctn0094_abstinence": (True, True),  # weeks 12-15 are "----"
    "lee2016_relapse": (te(3, 1), te(4, 1)),  # window 1 "-+++"; ignored: window 2 "+--+"
    "krupitsky2004_relapse": (te(2, 1), te(11, 0)),  # "+++" at 2; ignored: none in 11 windows
    "fiellin2006_negative_weeks": (11, 11),
    "schottenfeld2008_longest_abstinence": (5, 8),  # weeks 12-16; ignored: last 8 observed
    "retention_weeks": (16, 13),
    "negative_weeks_share_1_12": (7 / 12, 7 / 9),  # 7 negatives; 9 tested weeks in 1-12
    "first_positive_week": (te(2, 1), te(2, 1)),
}


@pytest.mark.parametrize("definition_id", sorted(SIDE_BY_SIDE))
def test_one_word_under_the_three_rules(definition_id: str) -> None:
    definition = DEFINITIONS[definition_id]
    positive, ignored = SIDE_BY_SIDE[definition_id]
    assert definition.single(W, "positive") == positive
    assert definition.single(W, "ignored") == ignored
    completers = definition.single(W, "completers")
    assert completers == (NA if definition.kind == "time_event" else None)


# --- the registry and the bulk API ----------------------------------------------------------


def test_registry_has_the_required_definitions_fully_described() -> None:
    assert set(DEFINITIONS) >= REQUIRED_IDS
    for key, definition in DEFINITIONS.items():
        assert definition.id == key
        assert definition.kind in ("time_event", "count", "share", "flag")
        for text in (definition.title, definition.rule, definition.missing_rule):
            assert text.strip()
        assert definition.citation.strip() and definition.source.strip()
        assert definition.version
        assert hash(definition)  # usable as a cache key
        with pytest.raises(TypeError):  # parameters are read-only
            definition.params["width"] = 0  # type: ignore[index]


def test_evaluate_columns_dtypes_and_index() -> None:
    words = pd.Series(["--++++", None, "oooo"], index=["a", "b", "c"])
    frame = evaluate(words)
    expected_columns = [c for d in DEFINITIONS.values() for c in d.columns]
    assert list(frame.columns) == expected_columns
    assert list(frame.index) == ["a", "b", "c"]
    assert frame["ctn0094_relapse_time"].dtype == "Int64"
    assert frame["ctn0094_relapse_event"].dtype == "Int64"
    assert frame["fiellin2006_negative_weeks"].dtype == "Int64"
    assert frame["negative_weeks_share_1_12"].dtype == "Float64"
    assert frame["ctn0094_abstinence"].dtype == "boolean"
    assert frame.loc["b"].isna().all()  # an NA word gives NA everywhere
    assert frame.loc["a", "ctn0094_relapse_time"] == 3


def test_evaluate_empty_input_and_errors() -> None:
    empty = evaluate([], ["ctn0094_relapse", "ctn0094_abstinence"])
    assert empty.shape == (0, 3)
    assert empty["ctn0094_relapse_time"].dtype == "Int64"
    with pytest.raises(ValueError, match="outside"):
        evaluate(["--x-"])
    with pytest.raises(ValueError, match="outside"):
        DEFINITIONS["ctn0094_relapse"].single("--é-")
    with pytest.raises(ValueError, match="missing must be"):
        evaluate(["----"], missing="imputed")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="unknown"):
        evaluate(["----"], ["no_such_definition"])
    with pytest.raises(TypeError):
        DEFINITIONS["ctn0094_relapse"].single(None)  # type: ignore[arg-type]


def test_definition_bulk_is_evaluate_of_that_definition() -> None:
    frame = DEFINITIONS["lee2016_relapse"].bulk(["-+-+", "----", "-"], missing="positive")
    assert list(frame.columns) == ["lee2016_relapse_time", "lee2016_relapse_event"]
    # "-+-+": window 1 holds 2 -> 1 + 2; "----": 1 window, censored 1 + 2; "-": no window.
    assert frame["lee2016_relapse_time"].tolist() == [3, 3, pd.NA]
    assert frame["lee2016_relapse_event"].tolist() == [1, 0, pd.NA]


def test_evaluate_rules_side_by_side() -> None:
    frame = evaluate_rules([W], ["fiellin2006_negative_weeks", "retention_weeks"])
    assert frame[("positive", "retention_weeks")].iloc[0] == 16
    assert frame[("ignored", "retention_weeks")].iloc[0] == 13
    assert pd.isna(frame[("completers", "retention_weeks")].iloc[0])


# --- bulk == single -------------------------------------------------------------------------


def _as_python(values: list) -> list:
    return [None if value is pd.NA else value for value in values]


def _from_frame(row: pd.Series, definition: Definition) -> Value:
    """One row of an `evaluate` frame in the shape `single` returns (NA -> None)."""
    values = _as_python(row[list(definition.columns)].tolist())
    return TimeEvent(*values) if definition.kind == "time_event" else values[0]


def _from_columns(frame: pd.DataFrame, definition: Definition) -> list[Value]:
    """Every row of `frame` for `definition`, in the shape `single` returns."""
    columns = [_as_python(frame[column].tolist()) for column in definition.columns]
    if definition.kind == "time_event":
        return [TimeEvent(*pair) for pair in zip(*columns, strict=True)]
    return columns[0]


def _random_words(n: int, seed: int, max_length: int = 30) -> list[str]:
    """Words of lengths 0..max_length; each word draws its own symbol mix (Dirichlet), so that
    some are mostly positive, some mostly missing, and runs that trigger windows are common."""
    rng = np.random.default_rng(seed)
    symbols = np.array(list(SYMBOLS))
    lengths = rng.integers(0, max_length + 1, size=n)
    mixes = rng.dirichlet(np.full(len(SYMBOLS), 0.4), size=n)
    return ["".join(rng.choice(symbols, size=k, p=p)) for k, p in zip(lengths, mixes, strict=True)]


def _assert_bulk_matches_single(words: list[str], missing: str) -> None:
    frame = evaluate(words, "all", missing)
    for definition in DEFINITIONS.values():
        expected = [definition.single(word, missing) for word in words]
        got = _from_columns(frame, definition)
        mismatches = [(w, e, g) for w, e, g in zip(words, expected, got, strict=True) if e != g]
        assert not mismatches, f"{definition.id} [{missing}]: {mismatches[:5]}"


@pytest.mark.parametrize("missing", MISSING_RULES)
def test_bulk_equals_single_on_random_words(missing: str) -> None:
    _assert_bulk_matches_single(_random_words(3000, seed=20260511), missing)


def test_bulk_equals_single_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    words = _random_words(500, seed=7)
    whole = evaluate(words, "all", "ignored")
    monkeypatch.setattr(bulk_module, "CHUNK_WORDS", 37)  # blocks of different widths
    pd.testing.assert_frame_equal(evaluate(words, "all", "ignored"), whole)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(st.text(alphabet=SYMBOLS, max_size=24), max_size=40),
    missing=st.sampled_from(MISSING_RULES),
)
def test_bulk_equals_single_property(words: list[str], missing: str) -> None:
    _assert_bulk_matches_single(words, missing)


def test_completers_is_positive_on_complete_words_and_na_otherwise() -> None:
    words = _random_words(2000, seed=11)
    positive = evaluate(words, "all", "positive")
    completers = evaluate(words, "all", "completers")
    complete = np.array(["o" not in w for w in words])
    pd.testing.assert_frame_equal(completers[complete], positive[complete])
    assert completers[~complete].isna().all().all()
