"""Weekly use-pattern words (marts.use_weeks, marts.episode_words), every symbol worked out by
hand: on the tiny dataset and on a small dataset made here to reach every rule of the builder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.patterns import SUBSTANCE_CLASSES, episode_words

MINI_AS_OF = "2026-03-31"
# Four episodes, all admitted in January 2026. Weeks: week 1 = days 0-6 from admission.
#   A1 methadone, Morning, 2026-01-05 to 02-15 (day 41): 6 weeks
#      (w1 01-05..11, w2 01-12..18, w3 01-19..25, w4 01-26..02-01, w5 02-02..08, w6 02-09..15)
#   A2 no medication, Evening, 2026-01-05 to 02-01 (day 27): 4 weeks
#   A3 naltrexone, Evening, 2026-01-05 to 02-15: 6 weeks
#   A4 no medication, Morning, admitted 01-12, no recorded discharge; last attended 01-20,
#      70 days before the cut-off: administrative discharge on 01-20 (day 8): 2 weeks
MINI = {
    "admissions": """\
client_id,admission_date,track,discharge_date,discharge_reason,medication
A1,2026-01-05,Morning,2026-02-15,completed,methadone
A2,2026-01-05,Evening,2026-02-01,dropped_out,none
A3,2026-01-05,Evening,2026-02-15,completed,naltrexone
A4,2026-01-12,Morning,,,none
""",
    "attendance": """\
client_id,session_date,status,session_type,duration_minutes
A1,2026-01-05,attended,group,180
A1,2026-01-07,attended,group,180
A1,2026-01-12,attended,group,180
A1,2026-01-14,attended,group,180
A1,2026-01-19,cancelled,group,180
A1,2026-01-21,cancelled,group,180
A1,2026-02-02,cancelled,group,180
A1,2026-02-04,no_show,group,180
A1,2026-02-09,attended,group,180
A1,2026-02-13,attended,group,180
A2,2026-01-06,attended,group,180
A2,2026-01-14,cancelled,group,180
A2,2026-01-20,attended,group,180
A2,2026-01-27,attended,group,180
A2,2026-01-29,attended,group,180
A3,2026-01-06,attended,group,180
A3,2026-01-12,attended,group,180
A3,2026-01-19,attended,group,180
A3,2026-01-26,attended,group,180
A3,2026-02-02,attended,group,180
A3,2026-02-09,attended,group,180
A3,2026-02-15,attended,group,180
A4,2026-01-12,attended,group,180
A4,2026-01-20,attended,group,180
""",
    "substance_use": """\
client_id,test_date,method,substance,result
A1,2026-01-05,uds,methadone,positive
A1,2026-01-05,uds,fentanyl,negative
A1,2026-01-07,uds,buprenorphine,positive
A1,2026-01-12,uds,methadone,positive
A1,2026-01-12,uds,cocaine,positive
A1,2026-01-14,breath,alcohol,positive
A1,2026-01-27,uds,fentanyl,invalid
A1,2026-01-28,self_report,heroin,positive
A1,2026-02-03,uds,fentanyl,positive
A1,2026-02-03,uds,heroin,negative
A1,2026-02-10,uds,fentanyl,negative
A1,2026-02-10,uds,cocaine,negative
A1,2026-02-10,breath,alcohol,negative
A1,2026-02-16,uds,fentanyl,positive
A2,2026-01-06,uds,thc,positive
A2,2026-01-13,uds,fentanyl,positive
A2,2026-01-13,uds,thc,negative
A2,2026-01-20,uds,methadone,positive
A2,2026-01-27,uds,fentanyl,negative
A2,2026-01-29,uds,oxycodone,positive
A3,2026-01-06,uds,naltrexone,positive
A3,2026-01-06,uds,methadone,positive
A3,2026-01-12,uds,fentanyl,negative
A3,2026-01-19,uds,fentanyl,negative
A3,2026-01-26,uds,fentanyl,negative
A3,2026-02-02,uds,fentanyl,negative
A3,2026-02-09,uds,fentanyl,negative
A4,2026-01-13,uds,fentanyl,positive
A4,2026-01-23,uds,fentanyl,positive
""",
}

# Worked out by hand, week by week:
# A1 opioids: w1 01-05 methadone+ is the prescribed medication (left out), fentanyl- -> a
#   negative day; 01-07 buprenorphine+ is use (not prescribed) -> a positive day: '*'.
#   w2 only methadone+ (prescribed): no opioid test: 'o'. w3 both sessions cancelled, no
#   test: '_'. w4 fentanyl invalid (no test), heroin self-report (not a screen): 'o'.
#   w5 02-03 fentanyl+ and heroin- on one day: a positive day: '+'. w6 fentanyl-: '-'.
#   The 02-16 positive is after discharge.                                       -> "*o_o+-"
# A1 alcohol: w2 breath+ '+', w6 breath- '-', w3 '_', others 'o'.              -> "o+_oo-"
# A1 stimulants: w2 cocaine+ '+', w6 cocaine- '-'.                             -> "o+_oo-"
# A1 any: w1 '*' (as opioids), w2 cocaine+ and breath+ '+', w3 '_', w4 'o', w5 '+', w6 '-'.
# A2 opioids: w1 only thc: 'o'; w2 fentanyl+ '+' (the test wins over the cancelled week);
#   w3 methadone+ is use without a prescription '+'; w4 01-27 fentanyl- and 01-29
#   oxycodone+: '*'.                                                             -> "o++*"
# A2 alcohol and stimulants: no test; w2 has only a cancelled session: '_'.    -> "o_oo"
# A2 any: w1 thc+ '+', w2 fentanyl+ with thc- on one day '+', w3 '+', w4 '*'.  -> "+++*"
# A3 (naltrexone): w1 naltrexone+ is prescribed, methadone+ is use: '+'; w2-w6 fentanyl-.
# A4: w1 fentanyl+ '+'; the 01-23 positive falls after the administrative discharge (01-20)
#   in week 2: 'o'.                                                              -> "+o"
MINI_WORDS = {
    "opioids": {"A1": "*o_o+-", "A2": "o++*", "A3": "+-----", "A4": "+o"},
    "alcohol": {"A1": "o+_oo-", "A2": "o_oo", "A3": "oooooo", "A4": "oo"},
    "stimulants": {"A1": "o+_oo-", "A2": "o_oo", "A3": "oooooo", "A4": "oo"},
    "any": {"A1": "*+_o+-", "A2": "+++*", "A3": "+-----", "A4": "+o"},
}


def build_mini(folder: Path) -> Path:
    """Write the mini dataset to `folder`, build it and return the database path."""
    from pipelines.build import build
    from pipelines.settings import Settings

    folder.mkdir(parents=True, exist_ok=True)
    for name, text in MINI.items():
        (folder / f"{name}.csv").write_text(text)
    db = folder / "outcomes.duckdb"
    build(folder, Settings(db_path=db, as_of=date.fromisoformat(MINI_AS_OF)))
    return db


@pytest.fixture(scope="module")
def mini_con(tmp_path_factory: pytest.TempPathFactory):
    con = duckdb.connect(str(build_mini(tmp_path_factory.mktemp("mini"))), read_only=True)
    yield con
    con.close()


def words_by_client(con: duckdb.DuckDBPyConnection, substance: str) -> dict[str, str]:
    df = episode_words(con, substance=substance)
    return dict(zip(df["client_id"], df["word"], strict=True))


@pytest.mark.parametrize("substance", SUBSTANCE_CLASSES)
def test_mini_words_worked_by_hand(mini_con, substance):
    assert words_by_client(mini_con, substance) == MINI_WORDS[substance]


def test_tiny_words_worked_by_hand(tiny_con):
    # Weeks (tests/fixtures/tiny/README.md, cut-off 2026-03-31): C1 10, C2 4, C3 11, C4 2,
    # C5#1 7, C5#2 7, C6 1. Tests: C1 breath alcohol 01-05+ (w1) and 01-14- (w2). C2 on
    # buprenorphine: 01-12 buprenorphine+ is prescribed (left out) and fentanyl- -> w1 '-';
    # 01-19 fentanyl+ -> w2 '+'. C3 on methadone: 01-20 methadone+ prescribed, buprenorphine+ is
    # use -> w1 '+'. C9's cocaine belongs to no episode. No week has only cancelled sessions.
    words = episode_words(tiny_con, substance="opioids")
    assert list(words["word"]) == [
        "o" * 10, "-+oo", "+" + "o" * 10, "oo", "o" * 7, "o" * 7, "o",
    ]  # fmt: skip
    assert list(episode_words(tiny_con, substance="alcohol")["word"])[0] == "+-" + "o" * 8
    anything = episode_words(tiny_con, substance="any")
    assert list(anything["word"])[:3] == ["+-" + "o" * 8, "-+oo", "+" + "o" * 10]


def test_use_weeks_grain_and_symbols(mini_con, tiny_con):
    for con in (mini_con, tiny_con):
        keys = con.execute(
            "select count(*), count(distinct (episode_id, substance_class, week_number)), "
            "count(*) filter (where symbol not in ('+', '-', '*', 'o', '_')) from marts.use_weeks"
        ).fetchone()
        assert keys[0] == keys[1] and keys[2] == 0
        per_class = con.execute(
            "select substance_class, count(*) from marts.use_weeks group by all"
        ).fetchall()
        n_weeks = con.execute("select count(*) from marts.episode_weeks").fetchone()[0]
        assert dict(per_class) == dict.fromkeys(SUBSTANCE_CLASSES, n_weeks)


def test_words_are_the_weeks_in_order(mini_con):
    mismatched = mini_con.execute(
        """
        select count(*) from marts.episode_words as w
        join (select episode_id, substance_class, count(*) as n_weeks,
                list(symbol order by week_number) as symbols
              from marts.use_weeks group by all) as u using (episode_id, substance_class)
        where w.n_weeks <> u.n_weeks or length(w.word) <> w.n_weeks
            or w.word <> array_to_string(u.symbols, '')
        """
    ).fetchone()[0]
    assert mismatched == 0


def test_substance_classes_match_the_model(mini_con):
    classes = mini_con.execute(
        "select distinct substance_class from marts.use_substance_classes"
    ).fetchall()
    assert {c for (c,) in classes} == set(SUBSTANCE_CLASSES)


def test_unknown_substance_is_refused(mini_con):
    with pytest.raises(ValueError, match="substance must be one of"):
        episode_words(mini_con, substance="heroin")


def test_use_weeks_is_a_view_and_replaces_an_older_table(tiny_db, tmp_path):
    """use_weeks is the class columns of use_week_symbols as rows, kept as a view; a database
    built when it was a table (before 2026-11-23) is rebuilt over without an error."""
    import shutil

    from pipelines.build import rebuild_models
    from pipelines.settings import Settings

    path = tmp_path / "older.duckdb"
    shutil.copyfile(tiny_db, path)
    con = duckdb.connect(str(path))
    try:
        con.execute("drop view marts.use_weeks")
        con.execute("create table marts.use_weeks as select 1 as episode_id")
        rebuild_models(con, Settings(db_path=path, as_of=date(2026, 3, 31)), "tiny")
        kind = con.execute(
            "select table_type from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'use_weeks'"
        ).fetchall()
        assert kind == [("VIEW",)]
        # C1: breath alcohol 01-05 positive (week 1), 01-14 negative (week 2), 10 weeks.
        c1 = con.execute(
            "select string_agg(w.symbol, '' order by w.week_number), "
            "any_value(s.alcohol) filter (where s.week_number = 1) "
            "from marts.use_weeks as w join marts.episodes as e using (episode_id) "
            "join marts.use_week_symbols as s using (episode_id, week_number) "
            "where e.client_id = 'C1' and w.substance_class = 'alcohol'"
        ).fetchone()
        assert c1 == ("+-" + "o" * 8, "+")
    finally:
        con.close()
