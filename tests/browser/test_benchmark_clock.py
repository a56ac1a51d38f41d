"""The benchmark's clock for the first chart (benchmarks/browser.py), on a page whose chart is
first hidden two ways and then shown: it must count the chart only once a user could see it,
and give the moment in epoch seconds like the harness's own clock."""

from __future__ import annotations

import time

from benchmarks.browser import FIRST_CHART, FIRST_CHART_CLOCK, PAINTED

URL = "http://clock.test/"
# The chart is laid out but hidden (display: none), then invisible (visibility: hidden), then
# shown; `__shown` is when it was shown.
PAGE = """<!doctype html><html><body>
<div id="outer" style="display: none"><div class="js-plotly-plot">
  <svg class="main-svg" width="200" height="100"><rect width="200" height="100"/></svg>
</div></div>
<script>
  const outer = document.getElementById('outer');
  setTimeout(() => { outer.style.display = 'block'; outer.style.visibility = 'hidden'; }, 150);
  setTimeout(() => { outer.style.visibility = 'visible'; window.__shown = performance.now(); },
             300);
</script></body></html>"""


def test_the_first_chart_is_counted_once_shown_and_painted(browser):
    context = browser.new_context()
    context.add_init_script(FIRST_CHART_CLOCK)
    page = context.new_page()
    page.route(URL, lambda route: route.fulfill(body=PAGE, content_type="text/html"))
    try:
        before = time.time()
        page.goto(URL)
        page.wait_for_selector(FIRST_CHART, state="visible")
        painted = page.evaluate(PAINTED)
        after = time.time()
        shown, origin = page.evaluate("() => [window.__shown, performance.timeOrigin]")
    finally:
        context.close()
    # Not while hidden either way: the frame after the one that found it shown.
    assert painted > (origin + shown) / 1000
    # Epoch seconds, on the same clock as the harness's time.time().
    assert before < painted < after
