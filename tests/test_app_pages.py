"""AppTest of each page and role: what is shown equals the hand-worked answer (tiny dataset,
tests/fixtures/tiny/README.md) or the metric function's value; client-level content only for
the roles that may see it."""

from __future__ import annotations

import io
import shutil

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipelines import metrics, patterns
from pipelines.metrics.filters import Filters
from tests import app_support
from tests.app_support import (
    all_text,
    as_numbers,
    csv_table,
    downloads,
    figures,
    open_page,
)

# Fixtures shared by the AppTests (caches cleared, downloads recorded, the generated sample).
fresh_caches = app_support.fresh_caches
record_downloads = app_support.record_downloads
sample_db = app_support.sample_db


def table(at, column: str) -> pd.DataFrame:
    """The first table of the page that has `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


# Retention & attendance ------------------------------------------------------------------------


def test_retention_director(tiny_db, tiny_con):
    at = open_page(tiny_db, "retention")
    assert not at.exception
    at30 = table(at, "retained_rate").query("day == 30").set_index("group_value")
    # Morning: exits at 4 (C6) and 25 (C2) among 4 -> 3/4 * 2/3; Evening: C4 at 11 among 3.
    assert at30.loc["Morning", "retained_rate"] == pytest.approx(0.5)
    assert at30.loc["Evening", "retained_rate"] == pytest.approx(2 / 3)
    test = metrics.retention_logrank(tiny_con, group_by="track").iloc[0]
    assert f"χ² = {test['statistic']:.2f} on 1 df" in captions(at)
    km = figures(at)[0]
    at_risk = [t for t in km["data"] if t.get("meta") == "count"]
    assert [t["text"][0] for t in at_risk] == ["3", "4"]  # Evening 3, Morning 4 at day 0
    assert len(at.get("plotly_chart")) == 5


def test_retention_funder_gets_no_curve_and_blank_small_counts(tiny_db):
    at = open_page(tiny_db, "retention", role="funder")
    assert "see retention at set days" in at.info[0].value
    assert at.get("plotly_chart")[0].proto.spec.find("Kaplan") == -1
    at30 = table(at, "retained_rate")
    assert (at30["n_episodes"] == "—").all() and (at30["retained_rate"] == "—").all()
    assert "count below 11" in captions(at)


def test_compare_by_comes_from_the_url(tiny_db):
    at = open_page(tiny_db, "retention", compare="Site")
    assert at.selectbox(key="compare").value == "site"
    assert set(table(at, "retained_rate")["group_value"]) == {"north", "south"}


# Follow-up ---------------------------------------------------------------------------------------


def test_followup_director(tiny_db):
    at = open_page(tiny_db, "followup")
    status = table(at, "followup_rate").set_index("timepoint")
    # 30d: C5 and C4 reached in window, C2 unreachable; C1 not due yet.
    assert (status.loc["30d", "n_eligible"], status.loc["30d", "n_in_window"]) == (3, 2)
    due = table(at, "followup_state")
    # C2's 2-week follow-up is overdue; C1's 30-day one (due 04-12) has its window open.
    assert due[["client_id", "timepoint", "followup_state"]].values.tolist() == [
        ["C2", "2w", "overdue"],
        ["C1", "30d", "window open"],
    ]
    assert "not a causal effect" in at.warning[0].value
    assert any("characteristic" in d.value.columns for d in at.dataframe)  # retention bias


def test_followup_lists_the_first_rows_and_counts_and_exports_them_all(tiny_db, monkeypatch):
    # Pending on tiny: C2 2w overdue, C1 30d window open (test above). Shown: the first one.
    monkeypatch.setattr("dashboard.tables.DUE_ROWS", 1)
    at = open_page(tiny_db, "followup")
    due = table(at, "followup_state")
    assert due[["client_id", "timepoint"]].values.tolist() == [["C2", "2w"]]
    assert "Due and overdue: 1 overdue, 1 due now or soon" in all_text(at)
    assert "The table shows the first 1 of 2; the CSV holds all of them." in captions(at)
    exported = csv_table(downloads(at, skip=("PNG",))["followups_due.csv"])
    assert exported[["client_id", "timepoint"]].values.tolist() == [["C2", "2w"], ["C1", "30d"]]


def test_followup_researcher_sees_no_client_lists(tiny_db):
    at = open_page(tiny_db, "followup", role="researcher")
    assert not any("followup_state" in d.value.columns for d in at.dataframe)
    assert "C2" not in all_text(at).split()


# Cohort comparison -------------------------------------------------------------------------------


def test_compare_researcher_table_and_extract(tiny_db):
    at = open_page(tiny_db, "compare", role="researcher")
    result = table(at, "metric").set_index("metric")
    # Completion: Morning 1 (C1) of 4 discharged, Evening 0 of 1 (C4).
    assert result.loc["completion_rate", "value: Morning"] == pytest.approx(0.25)
    assert result.loc["completion_rate", "n: Evening"] == 1
    files = downloads(at)
    extract = csv_table(files["analysis_extract.csv"])
    assert len(extract) == 7 and extract["client_id"].str.fullmatch(r"P[0-9a-f]{16}").all()
    assert not [c for c in extract.columns if c.endswith("_date")]
    head = files["analysis_extract.csv"].decode().split("\n\n")[0]
    assert "Filters: all episodes; compared by track" in head
    parquet = pq.read_table(io.BytesIO(files["analysis_extract.parquet"]))
    assert parquet.num_rows == 7 and b"compared by track" in parquet.schema.metadata[b"description"]


def test_compare_groups_chosen_in_the_url(tiny_db):
    at = open_page(tiny_db, "compare", role="researcher", groups=["Morning"])
    result = table(at, "metric")
    assert "value: Morning" in result.columns and "value: Evening" not in result.columns


# Quarterly report --------------------------------------------------------------------------------


def test_quarterly_is_suppressed_for_every_role(tiny_db):
    at = open_page(tiny_db, "quarterly", role="director")
    assert at.selectbox(key="report_quarter").value == "2026Q1"
    for frame in (d.value for d in at.dataframe):
        for column in [c for c in frame.columns if c.startswith("n_")]:
            values = as_numbers(frame[column])
            assert values.isna().all() or (values.fillna(0) == 0).all() or (values >= 11).all()
    assert "count below 11" in captions(at)
    labels = [b.proto.label for b in at.get("download_button")]
    for fmt in ("PDF", "HTML (offline)", "Excel workbook"):
        assert f"Quarterly report 2026Q1, {fmt}" in labels


def test_quarterly_shows_the_metric_where_counts_are_large(sample_db):
    at = open_page(sample_db, "quarterly", role="funder", report_quarter="2025Q2")
    shown = as_numbers(table(at, "n_active").set_index("group_value")["n_episodes"])
    con = duckdb.connect(str(sample_db), read_only=True)
    expected = metrics.active_census(con, filters=Filters(quarters=("2025Q2",)), group_by="track")
    con.close()
    expected = expected.set_index("group_value")["n_episodes"]
    big = shown.dropna()
    assert len(big) >= 1 and (big == expected[big.index]).all() and (big >= 11).all()


# At-risk clients ---------------------------------------------------------------------------------


def test_at_risk_director(tiny_db):
    at = open_page(tiny_db, "at_risk")
    flags = table(at, "reasons")
    assert flags[["client_id", "reasons"]].values.tolist() == [
        ["C2", "follow-up overdue: 2w (due 2026-02-20)"]
    ]
    assert {m.label: m.value for m in at.metric}["Follow-up overdue"] == "1"


def test_at_risk_thresholds_come_from_the_url(tiny_db):
    # Active episodes C3 (last attended 03-27) and C5#2 (03-30) had contact within 7 days and
    # no no-shows: still only C2 is flagged.
    at = open_page(tiny_db, "at_risk", no_contact=7, no_shows=1)
    assert at.number_input(key="no_contact").value == 7
    assert set(table(at, "reasons")["client_id"]) == {"C2"}


# Data quality ------------------------------------------------------------------------------------


def test_data_quality_director(tiny_db):
    at = open_page(tiny_db, "data_quality")
    fresh = table(at, "days_before_cutoff").set_index("input_table")
    assert fresh.loc["attendance", "latest_date"].strftime("%Y-%m-%d") == "2026-03-30"
    orphans = table(at, "file_name")
    assert sorted(orphans["client_id"]) == ["C5", "C9", "C9", "C9"]  # README: 4 orphan rows
    assert table(at, "n_files")["kind"].tolist() == ["build"]
    assert "No rows were rejected" in at.success[0].value


def test_data_quality_researcher_sees_counts_only(tiny_db):
    at = open_page(tiny_db, "data_quality", role="researcher")
    summary = table(at, "reason")
    assert summary["n_rows"].sum() == 4
    assert "C9" not in all_text(at)


# Upload ------------------------------------------------------------------------------------------


def test_upload_loads_a_file(tiny_db, tmp_path):
    db = tmp_path / "outcomes.duckdb"
    shutil.copy(tiny_db, db)
    at = open_page(db, "upload")
    new = "client_id,session_date,status,session_type,duration_minutes\n"
    new += "C3,2026-03-30,attended,group,180\n"
    at.file_uploader[0].set_value(("attendance.csv", new.encode(), "text/csv")).run()
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Published")
    con = duckdb.connect(str(db), read_only=True)
    n = con.sql("select count(*) from marts.sessions where client_id = 'C3'").fetchall()[0][0]
    con.close()
    assert n == 5  # C3 had 4 sessions


# Definitions -------------------------------------------------------------------------------------


def test_definitions_open_at_the_linked_metric(tiny_db):
    at = open_page(tiny_db, "definitions", role="funder", metric="discharges_by_reason")
    assert at.header[0].value == "`discharges_by_reason`"
    assert "TEDS" in at.markdown[0].value or any("TEDS" in m.value for m in at.markdown)
    assert "from marts.filtered_episodes" in at.code[0].value
    patterns_table = table(at, "rule")
    assert "ctn0094_relapse" in set(patterns_table["id"])


# Relapse & use -----------------------------------------------------------------------------------


def test_relapse_director_matches_the_pattern_functions(sample_db):
    at = open_page(sample_db, "relapse")
    assert not at.exception
    con = duckdb.connect(str(sample_db), read_only=True)
    chosen = ["ctn0094_relapse", "lee2016_relapse", "ctn0094_abstinence"]
    expected = patterns.relapse_rate(
        con, definition=chosen, substance="opioids", missing=list(patterns.MISSING_RULES)
    )
    con.close()
    shown = table(at, "event_rate")
    assert len(shown) == 9
    merged = shown.merge(expected, on=["definition", "missing"], suffixes=("", "_expected"))
    assert (merged["n_events"] == merged["n_events_expected"]).all()
    positivity = figures(at)[0]
    names = {t.get("name") for t in positivity["data"] if t.get("name")}
    assert names == {f"missing = {r}" for r in patterns.MISSING_RULES}
    assert "Log-rank test" in captions(at)
