"""`outcomes patterns`: the CSV columns, hand-worked values for one episode, spreadsheet-safe
cells; and `outcomes import` is registered."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from pipelines.cli import main
from pipelines.patterns import write_outcomes_csv

from .test_patterns_words import build_mini

ALL_COLUMNS = [
    "client_id", "admission_date", "word",
    "ctn0094_relapse_time", "ctn0094_relapse_event",
    "ctn0094_dropout_time", "ctn0094_dropout_event",
    "ctn0094_abstinence",
    "lee2016_relapse_time", "lee2016_relapse_event",
    "krupitsky2004_relapse_time", "krupitsky2004_relapse_event",
    "fiellin2006_negative_weeks",
    "schottenfeld2008_longest_abstinence",
    "retention_weeks",
    "negative_weeks_share_1_12",
    "first_positive_week_time", "first_positive_week_event",
]  # fmt: skip


@pytest.fixture(scope="module")
def mini_db(tmp_path_factory: pytest.TempPathFactory):
    return build_mini(tmp_path_factory.mktemp("mini_cli"))


def read(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_all_definitions_columns_and_values(mini_db, tmp_path, capsys):
    out = tmp_path / "patterns.csv"
    assert main(["patterns", "--definitions", "all", "--db", str(mini_db), "--csv", str(out)]) == 0
    assert "wrote 4 episodes (opioids, missing positive)" in capsys.readouterr().out
    with open(out, newline="") as handle:
        assert next(csv.reader(handle)) == ALL_COLUMNS
    rows = {r["client_id"]: r for r in read(out)}
    # A1's opioid word "*o_o+-", recoded for use definitions to "++_++-" (o and * positive):
    # CTN-0094 relapse: no 4 positives in a row (the _ interrupts): censored at 3 windows.
    # Dropout (4 missing in a row, no recoding): windows hold 2, 2, 1 'o': censored at 3.
    # Abstinence: shorter than 15 weeks: false. Lee 2016: first window "++_+" has >= 2: event
    # at 1 + 2 = 3. Krupitsky (3 in a row): none in 4 windows: censored at 4. Fiellin: one '-'.
    # Schottenfeld: longest run without '+': 1. Retention: last non-missing week: 6.
    # Share of negative weeks 1-12: 1 '-' / (12 - one '_'). First positive week: 1.
    expected = {
        "client_id": "A1", "admission_date": "2026-01-05", "word": "'*o_o+-",
        "ctn0094_relapse_time": "3", "ctn0094_relapse_event": "0",
        "ctn0094_dropout_time": "3", "ctn0094_dropout_event": "0",
        "ctn0094_abstinence": "false",
        "lee2016_relapse_time": "3", "lee2016_relapse_event": "1",
        "krupitsky2004_relapse_time": "4", "krupitsky2004_relapse_event": "0",
        "fiellin2006_negative_weeks": "1", "schottenfeld2008_longest_abstinence": "1",
        "retention_weeks": "6",
        "first_positive_week_time": "1", "first_positive_week_event": "1",
    }  # fmt: skip
    a1 = rows["A1"]
    assert float(a1.pop("negative_weeks_share_1_12")) == pytest.approx(1 / 11)
    assert a1 == expected
    # A4 "+o" is shorter than every window: empty cells, not zeros.
    assert rows["A4"]["ctn0094_relapse_time"] == "" and rows["A4"]["word"] == "'+o"


def test_subset_substance_and_rule(mini_db, tmp_path):
    out = tmp_path / "any.csv"
    args = ["patterns", "--definitions", "lee2016_relapse, retention_weeks", "--substance", "any"]
    assert main([*args, "--missing", "ignored", "--db", str(mini_db), "--csv", str(out)]) == 0
    rows = {r["client_id"]: r for r in read(out)}
    assert list(rows["A1"]) == [
        "client_id", "admission_date", "word",
        "lee2016_relapse_time", "lee2016_relapse_event", "retention_weeks",
    ]  # fmt: skip
    # A1 any "*+_o+-" with the 'o' deleted: "*+_+-" -> "++_+-"; Lee: window "++_+" -> 1 + 2.
    # Retention under 'ignored' = the number of weeks that are not missing: 5.
    assert (rows["A1"]["word"], rows["A1"]["lee2016_relapse_time"]) == ("'*+_o+-", "3")
    assert rows["A1"]["retention_weeks"] == "5"


def test_stdout_and_errors(mini_db, capsys):
    assert main(["patterns", "--definitions", "retention_weeks", "--db", str(mini_db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "client_id,admission_date,word,retention_weeks" and len(lines) == 5
    assert main(["patterns", "--definitions", "relapse", "--db", str(mini_db)]) == 2
    assert "unknown definition ids ['relapse']" in capsys.readouterr().err


def test_csv_cells_cannot_run_as_formulas():
    frame = pd.DataFrame(
        {
            "episode_id": [1, 2],
            "client_id": ['=HYPERLINK("x")', "@SUM(A1)"],
            "admission_date": pd.to_datetime(["2026-01-05", "2026-01-06"]),
            "word": pd.array(["+-+", None], dtype="string"),
            "ctn0094_abstinence": pd.array([True, None], dtype="boolean"),
        }
    )
    buffer = io.StringIO()
    assert write_outcomes_csv(frame, buffer) == 2
    assert buffer.getvalue().splitlines() == [
        "client_id,admission_date,word,ctn0094_abstinence",
        '"\'=HYPERLINK(""x"")",2026-01-05,\'+-+,true',
        "'@SUM(A1),2026-01-06,,",
    ]


def test_import_is_registered(capsys):
    with pytest.raises(SystemExit):
        main(["import", "ctn0094", "--help"])
    out = capsys.readouterr().out
    assert "--from" in out and "--out" in out
