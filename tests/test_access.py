"""Roles enforced in the data layer (pipelines.access): what each role may fetch, small-cell
suppression for funders, pseudonyms and relative days for researchers. Tiny dataset answers are
in tests/fixtures/tiny/README.md and the fixture CSVs."""

from __future__ import annotations

import hashlib
import hmac
import stat

import pandas as pd
import pytest

from pipelines import metrics
from pipelines.access import (
    SOURCES,
    AccessDenied,
    Viewer,
    allowed,
    database_key,
    deidentify,
    fetch,
    pseudonym,
)
from pipelines.access.protect import TOTAL, Rate, Spec, protect

KEY = bytes(range(32))
DIRECTOR, RESEARCHER, FUNDER = (Viewer(r, 11, KEY) for r in ("director", "researcher", "funder"))
CLIENT_LEVEL = [n for n, s in SOURCES.items() if s.level == "client"]


@pytest.mark.parametrize("name", CLIENT_LEVEL)
def test_funders_are_refused_client_level_tables(tiny_con, name):
    with pytest.raises(AccessDenied):
        fetch(tiny_con, FUNDER, name)


@pytest.mark.parametrize("name", ["at_risk_clients", "followups_due", "orphan_rows"])
def test_researchers_are_refused_identified_lists(tiny_con, name):
    with pytest.raises(AccessDenied):
        fetch(tiny_con, RESEARCHER, name)


def test_funders_get_no_table_without_a_suppression_rule(tiny_con):
    # A Kaplan-Meier curve steps at single exits, and monthly census differences give away
    # single admissions: neither has a suppression rule, so neither reaches a funder.
    for name in ("retention_curve", "census_by_month", "compare_groups", "coverage"):
        assert not allowed("funder", name)
        with pytest.raises(AccessDenied):
            fetch(tiny_con, FUNDER, name)
    assert allowed("director", "retention_curve") and allowed("researcher", "compare_groups")


def test_only_directors_upload():
    assert allowed("director", "upload")
    assert not allowed("researcher", "upload") and not allowed("funder", "upload")


def test_unknown_role_is_refused():
    with pytest.raises(AccessDenied):
        Viewer("admin")


def test_funder_sees_small_counts_blank_with_the_reason(tiny_con):
    # Tiny: 5 discharged, 1 completed, 2 completed or transferred (all below 11).
    shown = fetch(tiny_con, FUNDER, "completion_rate")
    row = shown.frame.iloc[0]
    assert pd.isna(row["n_discharged"]) and pd.isna(row["n_completed"])
    assert pd.isna(row["completion_rate"]) and pd.isna(row["completion_rate_upper"])
    assert shown.reasons.loc[0, "n_discharged"] == "count below 11"
    assert "rate hidden" in shown.reasons.loc[0, "completion_rate"]
    assert "blank cell" in shown.note() and "1 to 10" in shown.note()


def test_director_sees_the_same_table_unsuppressed(tiny_con):
    shown = fetch(tiny_con, DIRECTOR, "completion_rate")
    expected = metrics.completion_rate(tiny_con)
    pd.testing.assert_frame_equal(shown.frame, expected)
    assert shown.n_hidden == 0 and shown.note() == ""


def test_suppress_flag_protects_for_any_role(tiny_con):
    shown = fetch(tiny_con, DIRECTOR, "active_census", suppress=True)
    assert pd.isna(shown.frame.loc[0, "n_episodes"])  # 7 episodes


def test_protect_hides_a_second_group_when_a_total_is_known():
    # Groups a=5 (small), b=20, c=30; total 55 is known to the reader: hiding a alone would let
    # a = 55 - 20 - 30, so one more group must be hidden.
    frame = pd.DataFrame({"group_value": ["a", "b", "c"], "n_x": [5, 20, 30]})
    total = pd.DataFrame({"n_x": [55]})
    values, reasons = protect(frame, Spec(counts=("n_x",), parts=()), 11, None)
    assert values["n_x"].isna().tolist() == [True, False, False]  # no total: primary only
    spec = Spec(rates=(Rate("n_x", "n_den"),))
    frame["n_den"], total["n_den"] = [50, 50, 50], [150]
    values, reasons = protect(frame, spec, 11, total)
    assert values["n_x"].isna().sum() == 2
    assert TOTAL not in set(values["group_value"])


def test_protect_hides_rates_with_their_counts():
    frame = pd.DataFrame(
        {"group_value": ["a", "b"], "n_yes": [3, 40], "n_all": [50, 60], "yes_rate": [0.06, 0.67]}
    )
    values, _ = protect(frame, Spec(rates=(Rate("n_yes", "n_all", ("yes_rate",)),)), 11)
    assert pd.isna(values.loc[0, "yes_rate"]) and values.loc[1, "yes_rate"] == 0.67
    assert values.loc[1, "n_yes"] == 40


def test_researcher_extract_has_pseudonyms_and_no_dates(tiny_con):
    frame = fetch(tiny_con, RESEARCHER, "analysis_extract").frame
    raw_ids = set(pd.read_csv("tests/fixtures/tiny/admissions.csv")["client_id"])
    assert not raw_ids & set(frame["client_id"])
    assert frame["client_id"].str.fullmatch(r"P[0-9a-f]{16}").all()
    digest = hmac.new(KEY, b"C1", hashlib.sha256).hexdigest()[:16]
    c1 = frame[frame["client_id"] == "P" + digest]
    assert c1["los_days"].tolist() == [67]  # C1: admitted 2026-01-05, completed 2026-03-13
    assert "episode_id" not in frame.columns
    assert not [c for c in frame.columns if c.endswith("_date")]
    # C5's two episodes share one pseudonym.
    assert frame["client_id"].value_counts().max() == 2
    words = tiny_con.sql(
        "select w.word from marts.episode_words as w join marts.episodes as e using (episode_id) "
        "where e.client_id = 'C1' and w.substance_class = 'any'"
    ).fetchall()
    assert c1["use_word_any"].tolist() == [words[0][0]]


def test_extract_counts_screens_as_the_negative_screen_rate_does(tiny_con):
    frame = fetch(tiny_con, DIRECTOR, "analysis_extract").frame
    by_client = {
        client: frame[frame["client_id"] == pseudonym(client, KEY)] for client in ("C1", "C2", "C3")
    }
    got = {
        c: (int(f["n_screens"].sum()), int(f["n_negative_screens"].sum()))
        for c, f in by_client.items()
    }
    # Worked from the fixture (tests/test_perf_marts.py): C1 two breath tests, one negative; C2
    # two UDS days, the one with only its prescribed buprenorphine positive is negative; C3 one
    # UDS showing use (buprenorphine while on methadone). Nobody else is screened.
    assert got == {"C1": (2, 1), "C2": (2, 1), "C3": (1, 0)}
    assert int(frame["n_screens"].sum()) == 5


def test_extract_is_deidentified_for_directors_too(tiny_con):
    frame = fetch(tiny_con, DIRECTOR, "analysis_extract").frame
    assert frame["client_id"].str.startswith("P").all()


def test_pseudonyms_are_stable_per_key_and_differ_across_keys():
    assert pseudonym("C1", KEY) == pseudonym("C1", KEY)
    assert pseudonym("C1", KEY) != pseudonym("C1", b"another key")
    assert pseudonym("C1", KEY) != pseudonym("C2", KEY)
    with pytest.raises(ValueError):
        pseudonym("C1", b"")


def test_deidentify_turns_dates_into_days_from_admission():
    frame = pd.DataFrame(
        {
            "client_id": ["C1"],
            "episode_id": [1],
            "admission_date": pd.to_datetime(["2026-01-05"]),
            "discharge_date": pd.to_datetime(["2026-03-13"]),
        }
    )
    out = deidentify(frame, KEY, dates=["discharge_date"])
    assert list(out.columns) == ["client_id", "discharge_day"]
    assert out.loc[0, "discharge_day"] == 67 and out.loc[0, "client_id"] == pseudonym("C1", KEY)


def test_database_key_is_created_once_owner_only(tmp_path):
    db = tmp_path / "outcomes.duckdb"
    key = database_key(db)
    assert len(key) == 32 and database_key(db) == key
    mode = stat.S_IMODE((tmp_path / ".outcomes.duckdb.pseudonym-key").stat().st_mode)
    assert mode == 0o600


def test_director_at_risk_list_names_the_reason(tiny_con):
    # C2's 2-week follow-up was due 2026-02-20 and is still pending; its 30-day window closed
    # 2026-03-22, before the 2026-03-31 cut-off: overdue. No other episode is flagged (C3 and
    # C5#2, the active ones, attended on 03-27 and 03-30; no no-shows in the last 14 days).
    frame = fetch(tiny_con, DIRECTOR, "at_risk_clients").frame
    assert frame["client_id"].tolist() == ["C2"]
    assert frame.loc[0, "reasons"] == "follow-up overdue: 2w (due 2026-02-20)"


def test_negative_screen_rate_on_tiny(tiny_con):
    # Screens (method and day): C1 01-05 breath +, C1 01-14 breath -, C2 01-12 UDS (fentanyl -,
    # prescribed buprenorphine +: not use) -, C2 01-19 UDS +, C3 01-20 UDS (methadone prescribed,
    # buprenorphine not prescribed) +. C9's test is in no episode. 2 negative of 5.
    row = fetch(tiny_con, DIRECTOR, "negative_screen_rate").frame.iloc[0]
    assert (row["n_screens"], row["n_negative"], row["n_episodes"]) == (5, 2, 3)
    assert row["negative_screen_rate"] == pytest.approx(0.4)


def test_followups_due_lists_overdue_and_open_windows(tiny_con):
    frame = fetch(tiny_con, DIRECTOR, "followups_due").frame
    states = dict(
        zip(frame["client_id"] + " " + frame["timepoint"], frame["followup_state"], strict=True)
    )
    # C2 2w: overdue (window closed 03-22); C1 30d due 04-12: window opened 03-13.
    assert states == {"C2 2w": "overdue", "C1 30d": "window open"}


def test_followups_due_first_rows_and_counts(tiny_con):
    # The two pending follow-ups above: C2 2w overdue first, then C1 30d (window open).
    first = fetch(tiny_con, DIRECTOR, "followups_due", max_rows=1).frame
    assert first[["client_id", "timepoint"]].values.tolist() == [["C2", "2w"]]
    counts = fetch(tiny_con, DIRECTOR, "followups_due_counts").frame
    assert counts[["followup_state", "n_followups"]].values.tolist() == [
        ["overdue", 1],
        ["window open", 1],
        ["coming due", 0],
    ]
    for role in (RESEARCHER, FUNDER):
        with pytest.raises(AccessDenied):
            fetch(tiny_con, role, "followups_due_counts")


def test_funders_are_offered_only_filter_values_held_by_k_episodes(tiny_con):
    # Tiny: Morning 4 episodes, Evening 3: both below 11, so a funder is offered no track.
    director = fetch(tiny_con, DIRECTOR, "filter_choices").frame
    funder = fetch(tiny_con, FUNDER, "filter_choices").frame
    assert set(director.query("column_name == 'track'")["value"]) == {"Morning", "Evening"}
    assert funder.empty and list(funder.columns) == ["column_name", "value"]


def test_protect_falls_back_to_rows_when_the_total_does_not_add_up():
    # a = 5 of 50 (small), b = 20 of 50. With the total 25 of 100 known, hiding a's 5 alone would
    # give it away as 25 - 20, so b's 20 is hidden too. A total that is not the sum of the groups
    # (an episode in two groups) cannot be used that way: each row is protected on its own, and
    # b stays shown. Repeated group labels are protected row by row in the same way.
    spec = Spec(rates=(Rate("n_x", "n_den"),))
    frame = pd.DataFrame({"group_value": ["a", "b"], "n_x": [5, 20], "n_den": [50, 50]})
    additive = pd.DataFrame({"n_x": [25], "n_den": [100]})
    values, _ = protect(frame, spec, 11, additive)
    assert values["n_x"].isna().tolist() == [True, True]
    overlapping = pd.DataFrame({"n_x": [22], "n_den": [90]})
    values, reasons = protect(frame, spec, 11, overlapping)
    assert values["n_x"].isna().tolist() == [True, False]
    assert values.loc[1, "n_x"] == 20 and reasons.loc[1, "n_x"] == ""
    repeated = frame.assign(group_value=["a", "a"])
    values, _ = protect(repeated, spec, 11, additive)
    assert values["n_x"].isna().tolist() == [True, False]
