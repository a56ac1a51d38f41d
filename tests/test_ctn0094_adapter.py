"""The CTN-0094 adapter against the real public data: contract validity, people checked by hand
against the raw Parquet, agreement with the published weekly pattern, determinism."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from pipelines.adapters import convert_ctn0094
from pipelines.contract import BOOLEAN_FALSE, BOOLEAN_TRUE, TABLES

pytestmark = pytest.mark.shared_data

ANCHOR = date(2020, 1, 1)
EVENT_DATES = {"attendance": "session_date", "substance_use": "test_date"}


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def converted(ctn0094_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """Convert once for the module; keep the returned counts and the logged notes."""
    out = tmp_path_factory.mktemp("ctn0094")
    logger = logging.getLogger("pipelines.adapters.ctn0094")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        counts = convert_ctn0094(ctn0094_dir, out)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return out, counts, handler.messages


@pytest.fixture(scope="module")
def tables(converted) -> dict[str, pd.DataFrame]:
    out = converted[0]
    return {
        name: pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False) for name in TABLES
    }


def day(n: int) -> str:
    return (ANCHOR + timedelta(days=n)).isoformat()


def raw(ctn0094_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(ctn0094_dir / f"{name}.parquet")


def test_one_admission_per_randomized_person(tables, converted, ctn0094_dir):
    admissions = tables["admissions"]
    rand = raw(ctn0094_dir, "randomization")
    randomized = rand.loc[rand["which"].astype(str) == "1", "who"]
    assert len(admissions) == 2492 == converted[1]["admissions"]
    assert set(admissions["client_id"]) == {f"ctn{w:04d}" for w in randomized}
    assert converted[1] == {name: len(frame) for name, frame in tables.items()}


@pytest.mark.parametrize("name", list(TABLES))
def test_file_satisfies_contract(tables, name):
    table, frame = TABLES[name], tables[name]
    assert tuple(frame.columns) == table.column_names
    assert not frame.duplicated(list(table.key)).any()
    for column in table.columns:
        values = frame[column.name]
        filled = values[values != ""]
        if column.required:
            assert len(filled) == len(values), f"{name}.{column.name} has empty cells"
        if column.allowed:
            assert set(filled) <= set(column.allowed), f"{name}.{column.name}"
        if column.type == "date":
            filled.map(date.fromisoformat)
        elif column.type == "boolean":
            assert set(filled.str.lower()) <= {*BOOLEAN_TRUE, *BOOLEAN_FALSE}
        elif column.type == "integer":
            numbers = filled.astype(int)
            if column.minimum is not None:
                assert numbers.min() >= column.minimum, f"{name}.{column.name}"
            if column.maximum is not None:
                assert numbers.max() <= column.maximum, f"{name}.{column.name}"


def test_cross_column_and_cross_table_rules(tables):
    admissions = tables["admissions"].set_index("client_id")
    assert (admissions["discharge_date"] >= admissions["admission_date"]).all()
    assert (admissions["discharge_reason"] != "").all()
    abstinence = tables["abstinence"]
    assert (abstinence["days_abstinent"].astype(int) <= abstinence["window_days"].astype(int)).all()
    followups = tables["followups"]
    completed = followups["status"] == "completed"
    assert (followups.loc[completed, "contact_date"] != "").all()
    assert (followups.loc[~completed, "contact_date"] == "").all()
    # Every dated row belongs to an admitted client, on or after the admission date.
    for name, column in {**EVENT_DATES, "abstinence": "assessment_date"}.items():
        frame = tables[name]
        admitted = frame["client_id"].map(admissions["admission_date"])
        assert admitted.notna().all(), name
        assert (frame[column] >= admitted).all(), name
    # Sessions and tests after the discharge date would be orphans: none are written.
    for name, column in EVENT_DATES.items():
        frame = tables[name]
        assert (frame[column] <= frame["client_id"].map(admissions["discharge_date"])).all()


def test_episode_spans_the_published_weekly_pattern(tables, ctn0094_dir):
    pattern = raw(ctn0094_dir, "derived_weeklyOpioidPattern")
    weeks = pattern["Phase_1"].str.len() + pattern["Phase_2"].fillna("").str.len()
    weeks.index = "ctn" + pattern["who"].astype(str).str.zfill(4)
    admissions = tables["admissions"].set_index("client_id")
    length = pd.to_datetime(admissions["discharge_date"]) - pd.to_datetime(
        admissions["admission_date"]
    )
    # The product's word has (discharge - admission) // 7 + 1 weeks; the episode ends on the
    # protocol's last day, inside the published word's last week.
    assert (length.dt.days // 7 + 1 == weeks.loc[admissions.index]).all()


def test_every_published_positive_week_has_an_opioid_positive_test(tables, ctn0094_dir):
    """Weeks the published word marks `+` hold a positive screen for a non-prescribed opioid."""
    admissions = tables["admissions"].set_index("client_id")
    tests = tables["substance_use"]
    not_prescribed = {
        "methadone": {"opioid", "buprenorphine"},
        "buprenorphine": {"opioid", "methadone"},
        "naltrexone": {"opioid", "methadone", "buprenorphine"},
    }
    medication = tests["client_id"].map(admissions["medication"])
    counts = [s in not_prescribed[m] for s, m in zip(tests["substance"], medication, strict=True)]
    positive = tests[(tests["result"] == "positive") & pd.Series(counts, index=tests.index)]
    offset = pd.to_datetime(positive["test_date"]) - pd.to_datetime(
        positive["client_id"].map(admissions["admission_date"])
    )
    found = set(zip(positive["client_id"], offset.dt.days // 7 + 1, strict=True))

    pattern = raw(ctn0094_dir, "derived_weeklyOpioidPattern")
    expected = {
        (f"ctn{who:04d}", k + 1)
        for who, word in zip(
            pattern["who"], pattern["Phase_1"] + pattern["Phase_2"].fillna(""), strict=True
        )
        for k, symbol in enumerate(word)
        if symbol == "+" and f"ctn{who:04d}" in admissions.index
    }
    assert len(expected) > 9000
    assert expected <= found


def test_ctn0030_person_by_hand(tables):
    """who 2: CTN-0030 BUP + EMM, randomized on day 7; specimens on days 0, 7, 13, 20, 27, 34,
    97; expected visits to day 105, attended (derived_visitImputed Present) on days 7, 13, 20,
    27, 34, 55, 69, 83, 97; week-12 final visit (buprenorphine screen) on day 97. Test days in
    the episode (days 8..105): specimens and attended visits, 13 20 27 34 55 69 83 97."""
    admission = tables["admissions"].set_index("client_id").loc["ctn0002"]
    assert admission["admission_date"] == day(8) == "2020-01-09"
    assert admission["discharge_date"] == day(7 + 7 * 14)
    assert admission["track"] == "CTN-0030 buprenorphine + enhanced medical management"
    assert admission["medication"] == "buprenorphine"
    assert admission["discharge_reason"] == "completed"
    assert admission["sex"] == "female" and admission["age_at_admission"] == "30"

    tests = tables["substance_use"].query("client_id == 'ctn0002'")
    assert sorted(set(tests["test_date"])) == [day(d) for d in (13, 20, 27, 34, 55, 69, 83, 97)]
    on_97 = tests[tests["test_date"] == "2020-04-07"].set_index("substance")["result"]
    assert on_97.to_dict() == {
        "amphetamine": "negative",
        "benzodiazepine": "negative",
        "buprenorphine": "negative",  # screened only at the week 10/12/final visits
        "cocaine": "negative",
        "methadone": "negative",
        "opioid": "positive",
        "thc": "positive",
    }
    assert "buprenorphine" not in set(tests.loc[tests["test_date"] == day(13), "substance"])

    visits = tables["attendance"].query("client_id == 'ctn0002'")
    assert len(visits) == 14 and (visits["status"] == "attended").sum() == 8


def test_ctn0051_person_by_hand(tables):
    """who 4: CTN-0051 extended-release naltrexone, randomized on day 1; attended visits on 21
    days inside the episode (days 2..168), 7 to 155; THC positive from day 102 on (positives on
    days 172, 198 and 248 follow the protocol's last day, 168); no opioid positive."""
    admission = tables["admissions"].set_index("client_id").loc["ctn0004"]
    assert admission["admission_date"] == "2020-01-03"
    assert admission["discharge_date"] == day(168) == "2020-06-17"  # the protocol's last day
    assert admission["medication"] == "naltrexone"
    assert admission["track"] == "CTN-0051 extended-release naltrexone (inpatient start)"
    assert admission["discharge_reason"] == "completed"

    tests = tables["substance_use"].query("client_id == 'ctn0004'")
    assert tests["test_date"].nunique() == 21
    assert len(tests) == 21 * 8  # the CTN-0051 panel has eight substance groups
    positives = tests[tests["result"] == "positive"]
    assert set(positives["substance"]) == {"thc"}
    assert positives["test_date"].min() == day(102)


def test_ctn0027_person_by_hand(tables):
    """who 11: CTN-0027 methadone, randomized on day 7; 22 specimens inside the 23-week episode,
    a benzodiazepine positive on day 142; alcohol is on the CTN-0027 panel."""
    admission = tables["admissions"].set_index("client_id").loc["ctn0011"]
    assert admission["admission_date"] == day(8)
    assert admission["discharge_date"] == day(168)  # 23 weeks: the published word's length
    assert admission["medication"] == "methadone" and admission["site"] == "site 29"

    tests = tables["substance_use"].query("client_id == 'ctn0011'")
    # 22 specimen days plus day 58, an attended visit without a specimen row
    assert tests["test_date"].nunique() == 23
    assert set(tests["substance"]) == {
        "alcohol",
        "amphetamine",
        "benzodiazepine",
        "cocaine",
        "methadone",
        "opioid",
        "thc",
    }
    benzodiazepine = tests[
        (tests["substance"] == "benzodiazepine") & (tests["result"] == "positive")
    ]
    assert list(benzodiazepine["test_date"]) == ["2020-05-22"]
    # The methadone positive of day 217 is after the episode: dropped, not an orphan.
    assert tests["test_date"].max() == day(168)


def test_abstinence_by_hand(tables):
    """who 2 reports use on every day from -32 to 6, then on days 9, 10, 12, 16, 18, 23, 25, 28
    (block 1: 8 days), 37, 44, 52, 58, 59 (block 2: 5) and 72, 80, 86, 90, 91 (block 3: 5)."""
    rows = tables["abstinence"].query("client_id == 'ctn0002'")
    assert rows[
        ["assessment_date", "window_days", "days_abstinent", "timepoint"]
    ].values.tolist() == [
        [day(8), "30", "1", "intake"],  # study days -22..7: only day 7 without use
        [day(35), "28", "20", "in_treatment"],
        [day(63), "28", "23", "in_treatment"],
        [day(91), "28", "23", "in_treatment"],
    ]
    # who 21 (CTN-0030, randomized on day 6, 14 weeks) was last seen on day 43: only the first
    # block (days 7-34) is written; the two after it would be "abstinent" only as nobody asked.
    later = tables["abstinence"].query("client_id == 'ctn0021' and timepoint == 'in_treatment'")
    assert later["assessment_date"].tolist() == [day(34)]


def test_followups_by_hand(tables):
    """who 10 (CTN-0027, randomized on day 19) came to the week 28 visit on day 210."""
    rows = tables["followups"].query("client_id == 'ctn0010'").set_index("timepoint")
    assert rows.loc["week 28", "due_date"] == day(19 + 7 * 28)
    assert rows.loc["week 28", "contact_date"] == day(210)
    assert rows.loc["week 28", "status"] == "completed"
    assert set(tables["followups"]["timepoint"]) == {"week 28", "week 32"}
    # who 78 (randomized on day 19) came on day 208 and reported heroin on days 188-190.
    rows = tables["followups"].query("client_id == 'ctn0078'").set_index("timepoint")
    assert rows.loc["week 28", ["due_date", "contact_date", "days_abstinent_30"]].tolist() == [
        day(19 + 7 * 28),
        day(208),
        "27",
    ]
    assert rows.loc["week 32", "days_abstinent_30"] == "30"


def test_source_repairs_are_counted(converted):
    notes = set(converted[2])
    # Counted from the raw parquet independently: 4,823 distinct specimen days have no attended
    # visit (no panel negatives are written for them); 3,416 attended-visit days of randomized
    # people precede their admission.
    assert "ctn0094: specimen_days_without_attended_visit = 4823" in notes
    assert "ctn0094: people_not_randomized = 1068" in notes
    assert "ctn0094: uds_test_days_dropped_before_admission = 3416" in notes


def test_conversion_is_deterministic(converted, ctn0094_dir, tmp_path):
    first = converted[0]
    convert_ctn0094(ctn0094_dir, tmp_path)
    for name in TABLES:
        assert (tmp_path / f"{name}.csv").read_bytes() == (first / f"{name}.csv").read_bytes()
