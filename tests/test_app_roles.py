"""Sweeps over every page a role can open, on a generated program.

Funder: no count from 1 to k-1 and no client id anywhere in what is rendered (tables, cards and
their sparklines, charts, captions) or in the CSV exports (PNGs are drawn from the same figures
that are checked here). Researcher: no client id anywhere, extracts included."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest

from pipelines.access.protect import is_count_column
from tests import app_support
from tests.app_support import (
    FUNDER_PAGES,
    all_text,
    as_numbers,
    csv_table,
    downloads,
    figures,
    numbers,
    open_page,
    small,
)

# Fixtures shared by the AppTests (caches cleared, downloads recorded, the generated sample).
fresh_caches = app_support.fresh_caches
record_downloads = app_support.record_downloads
sample_db = app_support.sample_db

COUNT_CARDS = ("Census", "Admissions")
# Counts written in captions: "12 of n = 40 screens", "n = 65 admitted, 31 at risk".
COUNT_TEXT = re.compile(r"(?:n = |\b)(\d[\d,]*)(?= of n\b| at risk\b| admitted\b)|n = (\d[\d,]*)")


@pytest.fixture(scope="module")
def client_ids(sample_db) -> set[str]:
    con = duckdb.connect(str(sample_db), read_only=True)
    ids = con.sql(
        "select client_id from raw.admissions union select client_id from raw.attendance "
        "union select client_id from raw.followups"
    ).fetchall()
    con.close()
    return {i for (i,) in ids}


def small_in_frame(frame: pd.DataFrame) -> list:
    found = []
    for column in [c for c in frame.columns if is_count_column(c)]:
        values = as_numbers(frame[column]).dropna().tolist()
        found += [(column, v) for v in small(values)]
    return found


def small_in_figure(figure: dict) -> list:
    found = []
    for trace in figure["data"]:
        if trace.get("meta") == "count":
            for key in ("x", "y", "text"):
                found += [(trace.get("name"), key, v) for v in small(numbers(trace.get(key, [])))]
        if trace.get("meta") == "n_last" and "customdata" in trace:
            column = pd.DataFrame(numbers_2d(trace["customdata"])).iloc[:, -1]
            found += [(trace.get("name"), "n", v) for v in small(column.dropna().tolist())]
    return found


def numbers_2d(value) -> list:
    from tests.app_support import decode

    array = decode(value)
    return pd.DataFrame(array.tolist()).apply(pd.to_numeric, errors="coerce").values.tolist()


def small_in_text(text: str) -> list:
    hits = [a or b for a, b in COUNT_TEXT.findall(text)]
    return small([float(h.replace(",", "")) for h in hits])


@pytest.mark.parametrize("name", FUNDER_PAGES)
def test_funder_page_shows_no_small_count_and_no_client(sample_db, client_ids, name):
    at = open_page(sample_db, name, role="funder")
    assert not at.exception, [e.message for e in at.exception]
    assert "viewing as **funder**" in at.caption[0].value
    text = all_text(at)
    assert not {i for i in client_ids if i in text}
    for frame in (d.value for d in at.dataframe):
        assert not small_in_frame(frame)
    for metric in at.metric:
        if metric.label in COUNT_CARDS:
            assert not small(numbers([metric.value])), metric.label
            assert not small(list(metric.proto.chart_data)), metric.label
    for figure in figures(at):
        assert not small_in_figure(figure), figure["layout"]["title"]["text"]
    assert not small_in_text("\n".join(c.value for c in at.caption))
    # The quarterly report files are swept by tests/test_report_suppression.py (PDF text layer,
    # HTML and workbook cells); here the CSV exports of the page.
    for file_name, content in downloads(at, skip=("PNG", "Quarterly report")).items():
        assert not {i for i in client_ids if i in content.decode()}, file_name
        assert not small_in_frame(csv_table(content)), file_name


RESEARCHER_PAGES = (
    "overview",
    "retention",
    "relapse",
    "followup",
    "compare",
    "quarterly",
    "data_quality",
    "definitions",
)


@pytest.mark.parametrize("name", RESEARCHER_PAGES)
def test_researcher_page_shows_no_client_id(sample_db, client_ids, name):
    at = open_page(sample_db, name, role="researcher")
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value != "Overview" or name == "overview"  # the page was offered
    text = all_text(at)
    assert not {i for i in client_ids if i in text}
    for file_name, content in downloads(at, skip=("PNG",)).items():
        assert not {i for i in client_ids if i.encode() in content}, file_name


def test_funder_is_offered_aggregate_pages_only(sample_db):
    at = open_page(sample_db, "overview", role="funder")
    # The navigation of the run: pages registered for the funder.
    pages = {info["url_pathname"] for info in at._registered_pages.values()}
    assert pages == {"", *FUNDER_PAGES} - {"overview"}


def test_the_sweep_would_catch_a_small_count(sample_db):
    # The same checks on the director's view do find small counts: the sweep is not vacuous.
    at = open_page(sample_db, "retention", role="director")
    found = [small_in_frame(d.value) for d in at.dataframe] + [
        small_in_figure(f) for f in figures(at)
    ]
    assert any(found)
