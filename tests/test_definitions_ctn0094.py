"""Outcome definitions against real data: the NIDA CTN-0094 weekly opioid-use words, and the
outcome values the CTNote package published for CTN-0094 participants."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines.patterns import DEFINITIONS, MISSING_RULES, TimeEvent, evaluate

NA = TimeEvent(None, None)

# Published by CTNote (github.com/CTN-0094/CTNote, a GPL-3 R package; only its computed values are
# quoted here, no code): inst/extdata/outcomes_relapse_20221123.csv and
# outcomes_abstinence_20230210.csv, one row per participant `who` with CTNote's own copy of the
# use-pattern word (an older release of the harmonized data than ../shared/data, so the words
# differ from today's parquet and are compared word by word, not by `who`).
# Columns (time:event pairs), CTNote's column in brackets:
#   relapse   ctn0094_relapse                        [RsT/RsE_ctnNinetyFour_2023]
#   dropout   ctn0094_dropout                        [DrT/DrE_ctnNinetyFour_2023]
#   krup      krupitsky2004_relapse event as a flag  [Rs_krupitsky_2004]
#   lee       lee2016_relapse                        [RsT/RsE_lee_2016]
#   win33     3-of-3 window = krupitsky2004_relapse  [RsT/RsE_schottenfeld_2008]
#   abst      ctn0094_abstinence                     [Ab_ctnNinetyFour_2023]
#   fiellin   fiellin2006_negative_weeks             [Ab_fiellin_2006]
#   first     first_positive_week                    [AbT/AbE_mokri_2016]
#   run_ign   longest abstinent run, missing ignored [Ab_schottenfeld_2005]
#   run       schottenfeld2008_longest_abstinence    [Ab_schottenfeld_2008 (B)]
CTNOTE_PUBLISHED = """\
who,word,relapse,dropout,krup,lee,win33,abst,fiellin,first,run_ign,run
1,ooooooooooooooo,1:1,1:1,T,3:1,1:1,F,0,1:1,0,0
2,*---oo-o-o-o+oo,12:1,12:0,T,5:1,12:1,F,6,1:1,6,3
4,-------------------o-o-o,21:0,21:0,F,21:1,22:0,T,21,20:1,21,19
6,*oooooooooooooo,1:1,2:1,T,3:1,1:1,F,0,1:1,0,0
10,------+++-++++o+++o+-o,11:1,19:0,T,7:1,7:1,F,8,7:1,6,6
11,-+-o+o+--o*----o--o---o-,4:1,21:0,T,3:1,4:1,T,14,2:1,10,4
12,+-++-*o--o-+o-o--+----oo,21:0,21:0,F,3:1,22:0,F,12,1:1,4,4
16,-*--+o+*-o----o--o--o-o-,5:1,21:0,T,4:1,5:1,T,14,2:1,11,4
17,--++*++++++-++++++-+++-,3:1,20:0,T,3:1,3:1,F,5,3:1,2,2
19,+---o-o-oo-o-oo,12:0,12:0,F,6:1,13:0,F,7,1:1,7,3
24,---------oo--oo-o--o-o++,21:0,21:0,T,10:1,22:1,F,15,10:1,15,9
25,-o-------o------o-o-o+o+,21:1,21:0,T,18:1,21:1,T,16,2:1,16,7
27,+---oo+++--o+-o-oooooooooooooooo,5:1,17:1,T,5:1,5:1,F,7,1:1,3,3
32,---------------------+--,21:0,21:0,F,23:0,22:0,T,23,22:1,21,21
33,+---o-o-o-o+----o----o---o-o-oo-o-o-,33:0,33:0,F,6:1,34:0,F,22,1:1,16,4
42,*++++-+-----++-ooooooooo,1:1,16:1,T,3:1,1:1,F,7,1:1,5,5
48,*--++-+------o-------o+ooooooo,22:1,24:1,T,3:1,22:1,T,16,1:1,13,7
52,++--++--o-------------o+o+o+oo,23:1,27:0,T,3:1,23:1,T,17,1:1,15,13
55,*--+o*--o--ooooooooooooooooooo,12:1,12:1,T,3:1,4:1,F,6,1:1,4,2
60,+----oo+--+----o--o------ooooooo,26:1,26:1,T,6:1,6:1,T,18,1:1,12,6
61,-------o--o--ooo-o--o---,21:0,21:0,T,10:1,14:1,F,17,8:1,17,7
72,-+++-*+++o*+o*++*o+-++-+,6:1,21:0,T,3:1,2:1,F,4,2:1,1,1
103,-+--++--------+-++-+++-o,21:0,21:0,T,4:1,20:1,F,14,2:1,8,8
107,-++o-*-+--o*o-o*o---oooo,21:1,21:1,T,3:1,2:1,F,9,2:1,3,3
110,*oo--+o-++++++++++o*+++o,9:1,21:0,T,3:1,1:1,F,3,1:1,2,2
113,-+++---+o-++------+++o--,19:1,21:0,T,3:1,2:1,F,13,2:1,6,6
116,-o-o-ooo-o+oo-o,10:1,12:0,T,3:1,6:1,F,5,2:1,4,1
127,---o--+*o---o--+++++-+++,16:1,21:0,T,6:1,7:1,T,11,4:1,5,3
132,oo++---o---o----o--o-o--,1:1,21:0,T,3:1,1:1,T,15,1:1,15,4
143,*---o+--+-+*-----+o+-o++o+oo++o,22:1,28:0,T,5:1,18:1,F,12,1:1,5,5
155,----+--------------+---,20:0,20:0,F,22:0,21:0,T,21,5:1,14,14
163,-o---o---o--o+----------,21:0,21:0,F,12:1,22:0,F,19,2:1,10,10
174,+----------o+--o-o--o--o,21:0,21:0,F,12:1,22:0,F,17,1:1,10,10
177,++oo--+-----------------,1:1,21:0,T,3:1,1:1,T,19,1:1,17,17
"""


def _published() -> list[dict[str, str]]:
    lines = CTNOTE_PUBLISHED.strip().splitlines()
    header = lines[0].split(",")
    return [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]


def _pair(text: str) -> TimeEvent:
    time, event = text.split(":")
    return TimeEvent(int(time), int(event))


@pytest.mark.parametrize("row", _published(), ids=lambda row: f"who{row['who']}")
def test_matches_ctnote_published_outcomes(row: dict[str, str]) -> None:
    word = row["word"]

    def one(definition_id: str, missing: str = "positive") -> object:
        return DEFINITIONS[definition_id].single(word, missing)

    assert one("ctn0094_relapse") == _pair(row["relapse"])
    assert one("ctn0094_dropout") == _pair(row["dropout"])
    assert one("lee2016_relapse") == _pair(row["lee"])
    assert one("krupitsky2004_relapse") == _pair(row["win33"])
    assert one("krupitsky2004_relapse").event == (row["krup"] == "T")
    assert one("ctn0094_abstinence") is (row["abst"] == "T")
    assert one("fiellin2006_negative_weeks") == int(row["fiellin"])
    assert one("first_positive_week") == _pair(row["first"])
    assert one("schottenfeld2008_longest_abstinence") == int(row["run"])
    assert one("schottenfeld2008_longest_abstinence", "ignored") == int(row["run_ign"])


def test_bulk_matches_ctnote_published_outcomes() -> None:
    rows = _published()
    frame = evaluate([row["word"] for row in rows])
    assert frame["ctn0094_relapse_time"].tolist() == [_pair(r["relapse"]).time for r in rows]
    assert frame["ctn0094_dropout_event"].tolist() == [_pair(r["dropout"]).event for r in rows]
    assert frame["ctn0094_abstinence"].tolist() == [r["abst"] == "T" for r in rows]
    assert frame["fiellin2006_negative_weeks"].tolist() == [int(r["fiellin"]) for r in rows]


# --- today's CTN-0094 words (../shared/data) ------------------------------------------------


@pytest.fixture(scope="module")
def ctn0094_words(ctn0094_dir: Path) -> pd.Series:
    """Phase_1 + Phase_2: the weekly opioid pattern from the week after randomization."""
    table = pd.read_parquet(ctn0094_dir / "derived_weeklyOpioidPattern.parquet")
    assert {"who", "Phase_1", "Phase_2"} <= set(table.columns)
    words = table["Phase_1"].fillna("") + table["Phase_2"].fillna("")
    return pd.Series(words.to_numpy(), index=table["who"].to_numpy(), name="word")


def test_ctn0094_words_are_what_the_definitions_expect(ctn0094_words: pd.Series) -> None:
    assert len(ctn0094_words) == 3560
    assert ctn0094_words.index.is_unique
    assert ctn0094_words.str.fullmatch(r"[-+*o_]+").all()
    assert ctn0094_words.str.len().between(14, 39).all()


@pytest.mark.parametrize("missing", MISSING_RULES)
def test_bulk_equals_single_on_every_ctn0094_word(ctn0094_words: pd.Series, missing: str) -> None:
    frame = evaluate(ctn0094_words, "all", missing)
    assert frame.index.equals(ctn0094_words.index)
    for definition in DEFINITIONS.values():
        for column_position, column in enumerate(definition.columns):
            got = [None if v is pd.NA else v for v in frame[column].tolist()]
            expected = []
            for word in ctn0094_words:
                value = definition.single(word, missing)
                expected.append(value[column_position] if isinstance(value, tuple) else value)
            assert got == expected, f"{column} [{missing}]"


# Participants of CTNote's examples, with today's words, worked out by hand.
HAND_WORKED = {
    # who 1 "ooooooooooooooo" (15 weeks, all missing)
    1: {
        "positive": {
            "ctn0094_relapse": TimeEvent(1, 1),  # all read as positive
            "ctn0094_dropout": TimeEvent(1, 1),
            "ctn0094_abstinence": False,  # 4 missing weeks in 12-15
            "lee2016_relapse": TimeEvent(3, 1),  # window 1, + offset 2
            "krupitsky2004_relapse": TimeEvent(1, 1),
            "fiellin2006_negative_weeks": 0,
            "schottenfeld2008_longest_abstinence": 0,
            "retention_weeks": 0,
            "negative_weeks_share_1_12": 0.0,
            "first_positive_week": TimeEvent(1, 1),
        },
        "ignored": {  # nothing is left of the word
            "ctn0094_relapse": NA,
            "ctn0094_abstinence": False,
            "retention_weeks": 0,
            "negative_weeks_share_1_12": None,
            "first_positive_week": NA,
        },
        "completers": {"ctn0094_relapse": NA, "fiellin2006_negative_weeks": None},
    },
    # who 242 "-----------------------" (23 negative weeks)
    242: {
        "positive": {
            "ctn0094_relapse": TimeEvent(20, 0),  # censored at 23 - 4 + 1
            "ctn0094_dropout": TimeEvent(20, 0),
            "ctn0094_abstinence": True,
            "lee2016_relapse": TimeEvent(22, 0),  # 20 windows + offset 2
            "krupitsky2004_relapse": TimeEvent(21, 0),
            "fiellin2006_negative_weeks": 23,
            "schottenfeld2008_longest_abstinence": 23,
            "retention_weeks": 23,
            "negative_weeks_share_1_12": 1.0,
            "first_positive_week": TimeEvent(23, 0),
        },
        "completers": {"ctn0094_relapse": TimeEvent(20, 0), "ctn0094_abstinence": True},
    },
    # who 233 "+++++++++++++++++++++++o" (23 positive weeks, then one missing)
    233: {
        "positive": {
            "ctn0094_relapse": TimeEvent(1, 1),
            "ctn0094_dropout": TimeEvent(21, 0),  # one missing week only
            "ctn0094_abstinence": False,
            "lee2016_relapse": TimeEvent(3, 1),
            "fiellin2006_negative_weeks": 0,
            "retention_weeks": 23,
            "negative_weeks_share_1_12": 0.0,
        },
        "ignored": {"ctn0094_dropout": TimeEvent(20, 0), "retention_weeks": 23},
        "completers": {"retention_weeks": None},
    },
    # who 2089 "++++---+----------------" (CTNote's worked example participant)
    2089: {
        "positive": {
            "ctn0094_relapse": TimeEvent(1, 1),
            "ctn0094_dropout": TimeEvent(21, 0),
            "ctn0094_abstinence": True,
            "lee2016_relapse": TimeEvent(3, 1),
            "krupitsky2004_relapse": TimeEvent(1, 1),
            "fiellin2006_negative_weeks": 19,  # weeks 5-7 and 9-24
            "schottenfeld2008_longest_abstinence": 16,  # weeks 9-24
            "retention_weeks": 24,
            "negative_weeks_share_1_12": 7 / 12,  # weeks 5-7 and 9-12
            "first_positive_week": TimeEvent(1, 1),
        },
    },
}
HAND_WORDS = {
    1: "o" * 15,
    242: "-" * 23,
    233: "+" * 23 + "o",
    2089: "++++---+" + "-" * 16,
}


@pytest.mark.parametrize("who", sorted(HAND_WORKED))
def test_hand_worked_ctn0094_participants(ctn0094_words: pd.Series, who: int) -> None:
    word = ctn0094_words.loc[who]
    assert word == HAND_WORDS[who]
    for missing, expected in HAND_WORKED[who].items():
        for definition_id, value in expected.items():
            assert DEFINITIONS[definition_id].single(word, missing) == value, (
                f"who {who}, {definition_id} [{missing}]"
            )
