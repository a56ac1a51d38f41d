"""Ask the browser for the code of the Overview's charts and cards as soon as a page opens, not
when they arrive.

Streamlit's frontend loads each kind of element's code when the first element of that kind
reaches the browser, and hides the page until it is loaded. plotly.js is a 4.7 MB chunk that
takes 0.8 to 2 s of one core to evaluate (by machine); the cards (Streamlit's metric, with a
Vega-Lite sparkline) need four more chunks, and while those load the page, chart included, is
hidden again. Asked for in the first message of the first run, the chunks are fetched and evaluated
while the server is still importing and querying on the other core, and the elements that come
later use the modules already loaded (the same URLs). Measured in docs/performance.md ("Browser
cold start").
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import streamlit as st

_STATIC_JS = Path(st.__file__).resolve().parent / "static" / "static" / "js"
# Chunk names in Streamlit 1.67's frontend: plotly.js first (the first chart needs it), then the
# metric card and the Vega-Lite embedding that draws its sparkline. The files are hashed per
# Streamlit build and found by name when the app starts.
CHUNKS = ("PlotlyChart", "Metric", "loadVegaEmbed", "embed", "vega-interpreter")
_KEY = "chart-code-preload"
# The element's container is hidden (with its wrapper, which the page's layout spaces).
_HIDE = f"<style>div:has(> .st-key-{_KEY}) {{ display: none; }}</style>"
# Resolved against Streamlit's own entry script, so each URL is the one Streamlit imports the
# chunk from (whatever path the app is served under) and each module is evaluated once.
_SCRIPT = """<script>
(() => {
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (entry) for (const c of FILES) import(new URL(c, entry.src).href).catch(() => {});
})();
</script>"""


@cache
def chunk_files() -> tuple[str, ...]:
    """This Streamlit build's files for CHUNKS. A name that is not exactly one file (another
    Streamlit build) is left out: the browser then loads it when an element needs it."""
    found = [sorted(_STATIC_JS.glob(f"{name}.*.js")) for name in CHUNKS]
    return tuple(files[0].name for files in found if len(files) == 1)


def chart_code() -> None:
    """Start the chunks' download and evaluation (a no-op once the browser has them)."""
    files = chunk_files()
    if not files:
        return
    with st.container(key=_KEY):
        script = _SCRIPT.replace("FILES", json.dumps(list(files)))
        st.html(_HIDE + script, unsafe_allow_javascript=True)
