"""The dashboard in headless Chromium: every page draws, a shared URL reproduces its view, an
export downloads with the filters on it. Screenshots go to screenshots/browser/ (gitignored)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pytest

from dashboard import preload
from pipelines import metrics
from pipelines.metrics.filters import Filters
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

# page -> what proves it drew: a plotly chart, or a table for pages without one.
PAGES = {
    "overview": "chart",
    "retention": "chart",
    "relapse": "chart",
    "followup": "chart",
    "compare": "table",
    "quarterly": "table",
    "at_risk": "table",
    "data_quality": "chart",
    "upload": "uploader",
    "definitions": "table",
}
READY = {
    "chart": ".js-plotly-plot .main-svg",
    "table": '[data-testid="stDataFrame"]',
    "uploader": '[data-testid="stFileUploader"]',
}


def settle(page, what: str, timeout: float = 45_000) -> None:
    """Wait until the script run is over and `what` is drawn."""
    page.wait_for_selector(READY[what], state="visible", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )
    page.wait_for_timeout(500)  # let plotly finish its first layout


def url(server: str, name: str, query: str) -> str:
    """The default page (Overview) lives at the root of the app."""
    return f"{server}/{'' if name == 'overview' else name}?{query}"


def shoot(page, name: str) -> None:
    """A screenshot of the whole page: the app scrolls inside its main block, so the window is
    made as tall as the block's content first (only the height changes: charts keep their
    width and are not redrawn)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    bottom = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"]')"
        ".getBoundingClientRect().bottom"
    )
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(int(bottom) + 40, 9000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.set_viewport_size(size)


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_draws(server, page, name):
    page.goto(url(server, name, "role=director"))
    settle(page, PAGES[name])
    assert page.locator('[data-testid="stException"]').count() == 0
    if PAGES[name] == "chart":
        assert page.locator(".js-plotly-plot").count() >= 1
    shoot(page, f"{name}-director")


@pytest.mark.parametrize("name", ["overview", "quarterly"])
def test_funder_view(server, page, name):
    page.goto(url(server, name, "role=funder"))
    settle(page, PAGES[name])
    assert "viewing as funder" in page.inner_text("body")
    shoot(page, f"{name}-funder")


def test_a_shared_url_reproduces_the_view(server, page, sample_db):
    page.goto(url(server, "overview", "role=director&track=Morning&period=month"))
    settle(page, "chart")
    con = duckdb.connect(str(sample_db), read_only=True)
    census = metrics.active_census(con, filters=Filters(tracks=("Morning",)))
    con.close()
    expected = f"{int(census['n_active'].iloc[0]):,}"
    card = page.locator('[data-testid="stMetric"]').filter(has_text="Census")
    assert card.locator('[data-testid="stMetricValue"]').inner_text() == expected
    assert "Morning" in page.locator(".st-key-track").inner_text()
    assert re.search(r"episodes admitted · cohort \d{4}-\d\d\b", page.inner_text("body"))
    shoot(page, "overview-shared-url")


def test_a_csv_export_downloads_with_the_filters_on_it(server, page):
    page.goto(url(server, "retention", "role=director&track=Evening"))
    settle(page, "chart")
    button = page.locator(".st-key-csv-retention_at button")
    with page.expect_download(timeout=30_000) as info:
        button.click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    assert "Filters: tracks: Evening; compared by track" in head
    assert re.search(r"Admissions from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d", head)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {r["group_value"] for r in rows} == {"Evening"}


def test_the_preloaded_chunks_are_the_ones_the_page_uses(server, page):
    page.goto(url(server, "overview", "role=director"))
    settle(page, "chart")
    page.wait_for_selector('[data-testid="stMetric"] .vega-embed', state="visible")
    names = {f.split(".")[0] for f in preload.chunk_files()}
    fetched = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name.split('/').pop())"
    )
    # Each chunk the preload names (tests/test_app_overview.py: the first element of the run)
    # is fetched once: a chart or card importing another URL would load its code twice.
    assert sorted(f for f in fetched if f.split(".")[0] in names) == sorted(preload.chunk_files())
    # Its container is hidden and takes no room: the app's caption is the first thing shown.
    wrapper = page.locator(".st-key-chart-code-preload").locator("xpath=..")
    assert wrapper.evaluate("e => getComputedStyle(e).display") == "none"


def test_the_other_pages_code_is_loaded_once_the_first_page_is_drawn(server, page):
    page.goto(url(server, "overview", "role=director"))
    settle(page, "chart")
    files = preload.chunk_files(preload.OTHER_PAGES_CHUNKS)
    fetched = (
        "() => performance.getEntriesByType('resource').map(e => e.name.split('/').pop())"
        f".filter(f => {list(files)}.includes(f))"
    )
    # Asked for by the Overview's last element, when the browser is idle: no Overview element
    # needs them, so this fetch is the preload's.
    page.wait_for_function(f"() => ({fetched})().length === {len(files)}", timeout=30_000)
    wrapper = page.locator(".st-key-other-pages-code-preload").locator("xpath=..")
    assert wrapper.evaluate("e => getComputedStyle(e).display") == "none"
    # A page with tables then uses the same modules: the table chunk is not fetched again.
    page.click("[data-testid=stTopNavLink][href$='/retention']")
    settle(page, "chart")
    page.wait_for_selector('[data-testid="stDataFrame"]', state="visible")
    assert sorted(page.evaluate(fetched)) == sorted(files)
