"""AppTest of the Overview page on the tiny dataset: it shows the hand-worked numbers."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "streamlit_app.py")


@pytest.fixture(autouse=True)
def fresh_caches():
    # Streamlit caches outlive one AppTest in a pytest process (STACK.md).
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def test_overview_shows_census(tiny_db, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB_PATH", str(tiny_db))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values == {"Episodes": "7", "Active at cut-off": "2", "Discharged": "5"}
    assert "2026-03-31" in at.caption[0].value
    assert len(at.get("plotly_chart")) == 2


def test_missing_database_says_how_to_build(tmp_path, monkeypatch):
    monkeypatch.setenv("OUTCOMES_DB_PATH", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert "make run" in at.error[0].value
