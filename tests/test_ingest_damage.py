"""Bad rows: each kind of damage is quarantined with the file, line, column and reason a person
can act on, the raw line as written, and counts that balance (read = loaded + skipped +
quarantined). Every expected value below was worked out from the export in test_ingest_support.
"""

from __future__ import annotations

import pytest

from .test_ingest_support import ROWS, appended, counts, load_one, with_line

ATT = "attendance.csv"
ADM = "admissions.csv"
ABS = "abstinence.csv"
SUB = "substance_use.csv"
FUP = "followups.csv"
A1 = "A1,2026-01-05,Morning,north,iop,{discharge},{reason},none,alcohol,female,34,White,self,C 01"
A2 = (
    "A2,2026-01-12,Evening,south,iop,{discharge},{reason},methadone,opioids,{sex},{age},"
    "Hispanic,court,C 02"
)
STATUSES = "not one of: attended, excused, no_show, cancelled"

# (id, file, line replaced, new text, column, check_name, reason, value as written)
DAMAGE = [
    (
        "missing client id",
        ATT,
        5,
        ",2026-01-12,attended,group,180",
        "client_id",
        "missing_value",
        "client_id is required but empty",
        None,
    ),
    (
        "missing date",
        ATT,
        5,
        "A2,,attended,group,180",
        "session_date",
        "missing_value",
        "session_date is required but empty",
        None,
    ),
    (
        "month 13",
        ATT,
        5,
        "A2,2026-13-12,attended,group,180",
        "session_date",
        "not_a_date",
        "not a date (YYYY-MM-DD)",
        "2026-13-12",
    ),
    (
        "US date without a profile",
        ATT,
        5,
        "A2,01/12/2026,attended,group,180",
        "session_date",
        "not_a_date",
        "not a date (YYYY-MM-DD)",
        "01/12/2026",
    ),
    (
        "February 30",
        ATT,
        5,
        "A2,2026-02-30,attended,group,180",
        "session_date",
        "not_a_date",
        "not a date (YYYY-MM-DD)",
        "2026-02-30",
    ),
    (
        "date after the cut-off",
        ATT,
        5,
        "A2,2026-04-02,attended,group,180",
        "session_date",
        "after_cutoff",
        "after the data cut-off 2026-03-31",
        "2026-04-02",
    ),
    (
        "year typed as 1896",
        ATT,
        5,
        "A2,1896-01-12,attended,group,180",
        "session_date",
        "date_too_early",
        "a date before 1900: probably a typing error",
        "1896-01-12",
    ),
    (
        "unknown status",
        ATT,
        5,
        "A2,2026-01-12,came,group,180",
        "status",
        "not_allowed",
        STATUSES,
        "came",
    ),
    (
        "unknown session type",
        ATT,
        5,
        "A2,2026-01-12,attended,zoom,180",
        "session_type",
        "not_allowed",
        "not one of: group, individual, family, medication, other",
        "zoom",
    ),
    (
        "quote inside a value",
        ATT,
        5,
        'A2,2026-01-12,atte"nded,group,180',
        "status",
        "not_allowed",
        STATUSES,
        'atte"nded',
    ),
    (
        "minutes in words",
        ATT,
        5,
        "A2,2026-01-12,attended,group,three hours",
        "duration_minutes",
        "not_a_number",
        "not a whole number",
        "three hours",
    ),
    (
        "fractional minutes",
        ATT,
        5,
        "A2,2026-01-12,attended,group,90.5",
        "duration_minutes",
        "not_a_number",
        "not a whole number",
        "90.5",
    ),
    (
        "zero minutes",
        ATT,
        5,
        "A2,2026-01-12,attended,group,0",
        "duration_minutes",
        "below_minimum",
        "below the minimum 1",
        "0",
    ),
    (
        "a 12-hour-plus session",
        ATT,
        5,
        "A2,2026-01-12,attended,group,721",
        "duration_minutes",
        "above_maximum",
        "above the maximum 720",
        "721",
    ),
    (
        "fewer values than the header",
        ATT,
        5,
        "A2,2026-01-12,attended",
        "session_type",
        "unreadable_line",
        "has fewer values than the header (3 of 5): a value may be missing or the line cut short",
        None,
    ),
    (
        "more values than the header",
        ATT,
        5,
        "A2,2026-01-12,attended,group,180,x",
        None,
        "unreadable_line",
        "has more values than the header (6 of 5): a value may contain the "
        "delimiter without quotes",
        None,
    ),
    (
        "same key, other values",
        ATT,
        5,
        "A1,2026-01-05,no_show,group,180",
        "status",
        "key_conflict",
        "same key (client_id, session_date, session_type) as line 2 but different values",
        "no_show",
    ),
    (
        "age in words",
        ADM,
        3,
        A2.format(discharge="", reason="", sex="male", age="forty-five"),
        "age_at_admission",
        "not_a_number",
        "not a whole number",
        "forty-five",
    ),
    (
        "age 7",
        ADM,
        3,
        A2.format(discharge="", reason="", sex="male", age="7"),
        "age_at_admission",
        "below_minimum",
        "below the minimum 10",
        "7",
    ),
    (
        "age 130",
        ADM,
        3,
        A2.format(discharge="", reason="", sex="male", age="130"),
        "age_at_admission",
        "above_maximum",
        "above the maximum 110",
        "130",
    ),
    (
        "sex as a local code",
        ADM,
        3,
        A2.format(discharge="", reason="", sex="M", age="45"),
        "sex",
        "not_allowed",
        "not one of: female, male, other, unknown",
        "M",
    ),
    (
        "reason without discharge",
        ADM,
        3,
        A2.format(discharge="", reason="completed", sex="male", age="45"),
        "discharge_reason",
        "reason_without_discharge",
        "discharge_reason given but discharge_date is empty",
        "completed",
    ),
    (
        "discharge before admission",
        ADM,
        2,
        A1.format(discharge="2026-01-01", reason="completed"),
        "discharge_date",
        "discharge_before_admission",
        "discharge_date is before admission_date",
        "2026-01-01",
    ),
    (
        "discharge without reason",
        ADM,
        2,
        A1.format(discharge="2026-02-20", reason=""),
        "discharge_reason",
        "discharge_without_reason",
        "discharge_reason is required when discharged",
        None,
    ),
    (
        "reason as a local code",
        ADM,
        2,
        A1.format(discharge="2026-02-20", reason="AMA"),
        "discharge_reason",
        "not_allowed",
        "not one of: completed, dropped_out, terminated, "
        "transferred, incarcerated, deceased, other",
        "AMA",
    ),
    (
        "discharge after the cut-off",
        ADM,
        2,
        A1.format(discharge="2026-04-15", reason="completed"),
        "discharge_date",
        "after_cutoff",
        "after the data cut-off 2026-03-31",
        "2026-04-15",
    ),
    (
        "more abstinent days than the window",
        ABS,
        2,
        "A1,2026-01-05,30,31,intake,any",
        "days_abstinent",
        "days_over_window",
        "days_abstinent is larger than window_days",
        "31",
    ),
    (
        "negative abstinent days",
        ABS,
        2,
        "A1,2026-01-05,30,-3,intake,any",
        "days_abstinent",
        "below_minimum",
        "below the minimum 0",
        "-3",
    ),
    (
        "a 400-day window",
        ABS,
        2,
        "A1,2026-01-05,400,10,intake,any",
        "window_days",
        "above_maximum",
        "above the maximum 365",
        "400",
    ),
    (
        "missing result",
        SUB,
        3,
        "A2,2026-01-12,uds,methadone,",
        "result",
        "missing_value",
        "result is required but empty",
        None,
    ),
    (
        "unknown test method",
        SUB,
        3,
        "A2,2026-01-12,urine,methadone,positive",
        "method",
        "not_allowed",
        "not one of: uds, breath, self_report",
        "urine",
    ),
    (
        "completed follow-up without contact",
        FUP,
        2,
        "A1,30d,2026-03-22,completed,,30,true,true,false",
        "contact_date",
        "completed_without_contact",
        "contact_date is required when status is completed",
        None,
    ),
    (
        "yes/no as maybe",
        FUP,
        2,
        "A1,30d,2026-03-22,completed,2026-03-25,30,maybe,true,false",
        "employed_or_in_school",
        "not_yes_no",
        "not true or false",
        "maybe",
    ),
    (
        "31 abstinent days of 30",
        FUP,
        2,
        "A1,30d,2026-03-22,completed,2026-03-25,31,true,true,false",
        "days_abstinent_30",
        "above_maximum",
        "above the maximum 30",
        "31",
    ),
    (
        "contact after the cut-off",
        FUP,
        2,
        "A1,30d,2026-03-22,completed,2026-04-05,30,true,true,false",
        "contact_date",
        "after_cutoff",
        "after the data cut-off 2026-03-31",
        "2026-04-05",
    ),
]


@pytest.mark.parametrize(
    ("file", "line", "text", "column", "check", "reason", "value"),
    [d[1:] for d in DAMAGE],
    ids=[d[0] for d in DAMAGE],
)
def test_damaged_row_is_quarantined(tmp_path, file, line, text, column, check, reason, value):
    path = tmp_path / file
    path.write_text(with_line(file, line, text))
    got = load_one(path)
    n = ROWS[file]
    assert counts(got.result) == (n, n - 1, 0, 1)
    assert len(got.quarantine) == 1
    q = got.quarantine[0]
    assert (q["file_name"], q["line"], q["column_name"]) == (file, line, column)
    assert (q["check_name"], q["reason"], q["value"]) == (check, reason, value)
    assert q["raw_line"] == text
    assert line not in [row[-1] for row in got.raw]  # the bad line is not in raw


def test_every_problem_of_a_row_is_listed(tmp_path):
    path = tmp_path / ATT
    path.write_text(with_line(ATT, 5, "A2,2026-13-12,came,group,0"))
    q = load_one(path).quarantine[0]
    assert (q["column_name"], q["check_name"]) == ("session_date", "not_a_date")
    assert q["other_problems"] == f"status: {STATUSES}; duration_minutes: below the minimum 1"


def test_exact_duplicate_is_skipped_and_listed(tmp_path):
    path = tmp_path / ATT
    path.write_text(appended(ATT, "A3,2026-02-02,attended,group,180"))  # a copy of line 7
    got = load_one(path)
    assert counts(got.result) == (8, 7, 1, 0)
    assert got.result.n_duplicate == 1
    assert [(w["line"], w["check_name"], w["reason"], w["action"]) for w in got.warnings] == [
        (9, "duplicate_row", "an exact copy of line 7: skipped", "skipped")
    ]


def test_duplicate_spelled_differently_is_still_a_duplicate(tmp_path):
    # Codes match ignoring case and the default session type is group: the same row for staging.
    path = tmp_path / ATT
    path.write_text(appended(ATT, " A3 ,2026-02-02,Attended,,180"))
    got = load_one(path)
    assert counts(got.result) == (8, 7, 1, 0)


def test_conflict_and_duplicate_of_one_key(tmp_path):
    path = tmp_path / ATT
    path.write_text(
        appended(ATT, "A1,2026-01-07,attended,group,180", "A1,2026-01-07,no_show,group,180")
    )
    got = load_one(path)
    # Line 9 differs from line 3 (kept): conflict. Line 10 equals line 3: duplicate.
    assert counts(got.result) == (9, 7, 1, 1)
    assert [(q["line"], q["check_name"]) for q in got.quarantine] == [(9, "key_conflict")]
    assert [(w["line"], w["reason"]) for w in got.warnings] == [
        (10, "an exact copy of line 3: skipped")
    ]


def test_several_bad_rows_keep_their_own_lines(tmp_path):
    path = tmp_path / ATT
    lines = list(with_line(ATT, 3, "A1,2026-01-07,nope,group,180").splitlines())
    lines[5] = "A2,2026-01-19,excused,group"  # line 6: too few values
    lines[7] = "A3,2026-02-09,attended,group,-5"  # line 8
    path.write_text("\n".join(lines) + "\n")
    got = load_one(path)
    assert counts(got.result) == (7, 4, 0, 3)
    assert [(q["line"], q["check_name"]) for q in got.quarantine] == [
        (3, "not_allowed"),
        (6, "unreadable_line"),
        (8, "below_minimum"),
    ]
    assert [row[-1] for row in got.raw] == [2, 4, 5, 7]
