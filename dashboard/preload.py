"""Ask the browser for the code of the elements pages show before they arrive.

Streamlit's frontend loads each kind of element's code when the first element of that kind
reaches the browser, and hides the page until it is loaded. Two requests, each a hidden `st.html`
whose script imports Streamlit's own chunks from the URLs Streamlit itself uses (so each module
is fetched and evaluated once, and the elements that come later find it loaded):

- `chart_code`, the first element of every run: the Overview's charts and cards. plotly.js is a
  4.7 MB chunk that takes 0.8 to 2 s of one core to evaluate (by machine); the cards
  (Streamlit's metric, with a Vega-Lite sparkline) need four more chunks, and while those load
  the page, chart included, is hidden again. Asked for first, they are fetched and evaluated
  while the server is still importing and querying on the other core.
- `other_pages_code`, the last element of every run: what other pages show and the Overview
  does not (tables: Streamlit's DataFrame, 1.7 MB with its modules; the at-risk list's number
  input; the upload page's file uploader and button). Imported when the browser is next idle,
  after the page is drawn, so a first visit to those pages does not wait about 0.3 s for it.

Measured in docs/performance.md ("Browser cold start" and "Page switches at 100k").
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import streamlit as st

_STATIC_JS = Path(st.__file__).resolve().parent / "static" / "static" / "js"
# Chunk names in Streamlit 1.67's frontend. The files are hashed per Streamlit build and found
# by name when the app starts. The charts' first: plotly.js (the first chart needs it), then
# the metric card and the Vega-Lite embedding that draws its sparkline.
CHUNKS = ("PlotlyChart", "Metric", "loadVegaEmbed", "embed", "vega-interpreter")
OTHER_PAGES_CHUNKS = ("DataFrame", "NumberInput", "FileUploader", "Button")
KEY, OTHER_PAGES_KEY = "chart-code-preload", "other-pages-code-preload"
# Resolved against Streamlit's own entry script, so each URL is the one Streamlit imports the
# chunk from (whatever path the app is served under) and each module is evaluated once.
_SCRIPT = """<script>
(() => {
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  const load = () => { for (const c of FILES) import(new URL(c, entry.src).href).catch(() => {}); };
  if (entry) WHEN;
})();
</script>"""
_NOW, _IDLE = "load()", "(window.requestIdleCallback || setTimeout)(load)"


@cache
def chunk_files(names: tuple[str, ...] = CHUNKS) -> tuple[str, ...]:
    """This Streamlit build's files for `names`. A name that is not exactly one file (another
    Streamlit build) is left out: the browser then loads it when an element needs it."""
    found = [sorted(_STATIC_JS.glob(f"{name}.*.js")) for name in names]
    return tuple(files[0].name for files in found if len(files) == 1)


def chart_code() -> None:
    """Start the charts' and cards' chunks now (a no-op once the browser has them)."""
    _ask(KEY, chunk_files(CHUNKS), _NOW)


def other_pages_code() -> None:
    """Start the other pages' chunks when the browser is next idle (a no-op once loaded)."""
    _ask(OTHER_PAGES_KEY, chunk_files(OTHER_PAGES_CHUNKS), _IDLE)


def _ask(key: str, files: tuple[str, ...], when: str) -> None:
    if not files:
        return
    # The element's container is hidden with its wrapper, which the page's layout spaces.
    hide = f"<style>div:has(> .st-key-{key}) {{ display: none; }}</style>"
    script = _SCRIPT.replace("FILES", json.dumps(list(files))).replace("WHEN", when)
    with st.container(key=key):
        st.html(hide + script, unsafe_allow_javascript=True)
