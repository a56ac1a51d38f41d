"""AppTest of the entry point and the Overview page on the tiny dataset: hand-worked numbers,
filters that move them, the URL that sets them, and the role switcher."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import preload
from pipelines import metrics
from tests import app_support
from tests.app_support import APP, open_page

# Fixtures shared by the AppTests (caches cleared, downloads recorded, the generated sample).
fresh_caches = app_support.fresh_caches
record_downloads = app_support.record_downloads

QUARTER = "admission_quarter"


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_kpis_equal_the_metric_functions(tiny_db, tiny_con):
    at = open_page(tiny_db, "overview")
    assert not at.exception
    shown = cards(at)
    # Census at the cut-off: C3 and C5#2 (README). Admissions of the 2026Q1 cohort: 6.
    assert shown["Census"] == "2" and shown["Admissions"] == "6"
    # Completion is read on the latest cohort at least 90% discharged: 2026Q1 still has C3 and
    # C5#2 active (4 of 6 discharged), so 2025Q4: C5#1, transferred.
    completion = metrics.completion_rate(tiny_con, group_by=QUARTER).iloc[0]
    assert shown["Completion"] == f"{completion['completion_rate']:.0%}" == "0%"
    # Retention at day N is read on the latest cohort whose every episode could be followed N
    # days: 2026Q1 ends on the cut-off, so 2025Q4 (C5#1, transferred on day 46: retained).
    retained = metrics.retention_at(tiny_con, group_by=QUARTER, days=(30, 90))
    assert list(retained["group_value"].unique()) == ["2025Q4", "2026Q1"]
    day30 = retained[retained["day"] == 30].iloc[0]
    assert shown["Retained at day 30"] == f"{day30['retained_rate']:.0%}" == "100%"
    # 2025Q4 ends 2025-12-31, followed 90 days exactly on the cut-off, but its only episode was
    # censored on day 46: no estimate at day 90 (2026Q1 is too young to be read).
    assert retained[retained["day"] == 90]["retained_rate"].isna().all()
    assert shown["Retained at day 90"] == "—"
    attendance = metrics.attendance_rate(tiny_con, group_by=QUARTER).iloc[-1]
    assert shown["Attendance"] == f"{attendance['attendance_rate']:.0%}"
    assert shown["Negative screens"] == "40%"  # 2 of 5 screens (tests/test_access.py)
    # 30-day follow-up of the 2026Q1 cohort: C4 reached in window, C2 unreachable, C1 not due.
    assert shown["Follow-up rate (30d)"] == "50%"
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert deltas["Admissions"] == "+5"  # 6 in 2026Q1 against 1 (C5#1) in 2025Q4
    assert deltas["Retained at day 30"] is None or deltas["Retained at day 30"] == ""  # first
    assert deltas["Census"] == "+2"  # nobody was active on 2025-12-31
    captions = [c.value for c in at.caption]
    assert (
        "n = 1 admitted, 1 at risk · 95% CI 100%–100% · cohort 2025Q4 (latest followed 30 days)"
        in (captions)
    )
    assert "2026-03-31" in captions[0]
    assert len(at.get("plotly_chart")) == 4


def test_chart_code_is_asked_for_first_and_the_cards_stay_on_top(tiny_db):
    at = open_page(tiny_db, "overview")
    # The first element of the run asks for every chunk named, each one file of this Streamlit
    # build that Streamlit's own code imports by that name (so the browser loads it once).
    files = preload.chunk_files()
    assert [f.split(".")[0] for f in files] == list(preload.CHUNKS)
    scripts = {p.name: p.read_text() for p in preload._STATIC_JS.glob("*.js")}
    for file in files:
        assert any(file in text for name, text in scripts.items() if name != file), file
    first = next(e for e in app_support.elements(at) if e.type != "flex_container")
    assert first.type == "html" and first.proto.unsafe_allow_javascript
    assert all(file in first.proto.body for file in files)
    # The cards are filled after the first chart is sent, and still shown above it.
    kinds = [e.type for e in app_support.elements(at) if e.type in ("metric", "plotly_chart")]
    assert kinds[:9] == ["metric"] * 9 and kinds[9] == "plotly_chart"


def test_the_other_pages_code_is_asked_for_last_when_the_browser_is_idle(tiny_db):
    at = open_page(tiny_db, "overview")
    # Tables, the at-risk list's number input, the upload page's uploader: none on the Overview.
    files = preload.chunk_files(preload.OTHER_PAGES_CHUNKS)
    assert [f.split(".")[0] for f in files] == list(preload.OTHER_PAGES_CHUNKS)
    scripts = {p.name: p.read_text() for p in preload._STATIC_JS.glob("*.js")}
    for file in files:
        assert any(file in text for name, text in scripts.items() if name != file), file
    main = [e for e in app_support.walk(at.main) if getattr(e, "proto", None) is not None]
    last = [e for e in main if e.type != "flex_container"][-1]
    assert last.type == "html" and last.proto.unsafe_allow_javascript
    assert all(file in last.proto.body for file in files)
    assert "requestIdleCallback" in last.proto.body
    assert not any(e.type in ("arrow_data_frame", "number_input") for e in app_support.elements(at))


def test_a_filter_changes_the_numbers(tiny_db):
    at = open_page(tiny_db, "overview")
    assert cards(at)["Census"] == "2"
    at.multiselect(key="track").set_value(["Morning"]).run()
    # Morning: C1 completed, C2 dropped out, C5#1 transferred, C6 terminated: none active;
    # 2026Q1 Morning admissions C1, C2, C6.
    assert cards(at)["Census"] == "0" and cards(at)["Admissions"] == "3"
    # ... and the 2026Q1 Morning cohort is all discharged: completion 1 of 3, against 0 of 1.
    assert cards(at)["Completion"] == "33%"
    assert {m.label: m.proto.delta for m in at.metric}["Completion"] == "+33.3 pts"


def test_the_url_sets_the_filter(tiny_db):
    at = open_page(tiny_db, "overview", track=["Evening"])
    assert at.multiselect(key="track").value == ["Evening"]
    # Evening: C3, C4 (administrative discharge), C5#2; active C3 and C5#2.
    assert cards(at)["Census"] == "2" and cards(at)["Admissions"] == "3"


def test_month_cohort_period(tiny_db):
    at = open_page(tiny_db, "overview", period="month")
    assert cards(at)["Admissions"] == "1"  # 2026-03: C6 only
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert deltas["Admissions"] == "-1"  # 2 in 2026-02
    # Day 30: 2026-02 is the latest month followed 30 days (ends 02-28, +30 = 03-30). C4 exits on
    # day 11, C5#2 is still in care on day 43: 1 of 2 retained. 2026-01: C2 exits on day 25, C1
    # and C3 stay past day 30: 2 of 3. Change 50% - 66.7% = -16.7 points.
    assert cards(at)["Retained at day 30"] == "50%"
    assert deltas["Retained at day 30"] == "-16.7 pts"
    captions = [c.value for c in at.caption]
    assert any(c.endswith("cohort 2026-02 (latest followed 30 days)") for c in captions)


def test_role_switcher_hides_client_pages(tiny_db):
    at = open_page(tiny_db, "overview", role="funder")
    assert at.selectbox(key="role").value == "funder"
    assert "viewing as **funder**" in at.caption[0].value
    # Funder: admissions of 6 are blank (below 11) and shown as a dash.
    assert cards(at)["Admissions"] == "—"
    assert "Census" in cards(at)


@pytest.mark.parametrize("role", ["researcher", "funder"])
def test_director_pages_are_not_offered_to_other_roles(tiny_db, role):
    at = open_page(tiny_db, "at_risk", role=role)
    assert at.title[0].value == "Overview"  # the page is not registered: the default opens


def test_missing_database_says_how_to_build(tmp_path):
    at = open_page(tmp_path / "none.duckdb", "overview")
    assert "make run" in at.error[0].value


def test_server_on_a_public_address_without_sign_in_shows_nothing(tiny_db, monkeypatch):
    import streamlit as st

    get_option = st.get_option
    public = {"server.address": "0.0.0.0"}
    monkeypatch.setattr(st, "get_option", lambda name: public.get(name) or get_option(name))
    at = open_page(tiny_db, "overview")
    assert "without sign-in" in at.error[0].value
    assert not at.metric and not at.get("plotly_chart")


def _signed_in(tiny_db, tmp_path, monkeypatch, email: str | None) -> AppTest:
    roles = tmp_path / "roles.toml"
    roles.write_text('[roles]\n"dir@example.org" = "director"\n"fund@example.org" = "funder"\n')
    monkeypatch.setenv("OUTCOMES_DB_PATH", str(tiny_db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost/oauth2callback", "cookie_secret": "x"}
    at.secrets["roles_file"] = str(roles)
    at.user = {"is_logged_in": email is not None} | ({"email": email} if email else {})
    return at.run()


def test_sign_in_is_required_when_auth_is_configured(tiny_db, tmp_path, monkeypatch):
    at = _signed_in(tiny_db, tmp_path, monkeypatch, None)
    assert at.button[0].label == "Sign in"
    assert not at.metric and not at.get("plotly_chart")


def test_roles_file_gives_the_role(tiny_db, tmp_path, monkeypatch):
    at = _signed_in(tiny_db, tmp_path, monkeypatch, "Fund@Example.org")
    captions = [c.value for c in at.caption]
    assert any("viewing as **funder**" in c for c in captions)
    assert any("Signed in as **fund@example.org**" in c for c in captions)
    assert "role" not in [s.key for s in at.selectbox]  # no switcher once people sign in


def test_unknown_people_see_nothing(tiny_db, tmp_path, monkeypatch):
    at = _signed_in(tiny_db, tmp_path, monkeypatch, "stranger@example.org")
    assert "has no role" in at.error[0].value
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe
