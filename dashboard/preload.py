"""Ask the browser for Streamlit's plotly.js as soon as a page opens, not when its first chart
arrives.

Streamlit loads plotly.js (a 4.7 MB chunk) only when the first chart reaches the browser; the
browser then spends about 1.5 s of one core evaluating it and shows nothing of the page
meanwhile. Asked for in the first message of the first run, the chunk is fetched and evaluated
while the server is still importing and querying on the other core, and the chart that comes
later uses the module already loaded (the same URL). Measured in docs/performance.md
("Browser cold start"); asking for Vega-Lite (the cards' sparklines) as well was no faster.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

_STATIC_JS = Path(st.__file__).resolve().parent / "static" / "static" / "js"
# The chunk's URL is resolved against Streamlit's own entry script, so it is the URL Streamlit
# imports it from (whatever path the app is served under) and the module is evaluated once.
_KEY = "plotly-preload"
_HIDE = f"<style>div:has(> .st-key-{_KEY}) {{ display: none; }}</style>"
_SCRIPT = """<script>
(() => {
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (entry) import(new URL("CHUNK", entry.src).href).catch(() => {});
})();
</script>"""


@cache
def plotly_chunk() -> str | None:
    """This Streamlit build's plotly.js chunk by file name; None if it is not exactly one file
    (another Streamlit build), and then the browser loads it when the first chart needs it."""
    found = sorted(_STATIC_JS.glob("PlotlyChart.*.js"))
    return found[0].name if len(found) == 1 else None


def plotly_js() -> None:
    """Start the chunk's download and evaluation (a no-op once the browser has it)."""
    chunk = plotly_chunk()
    if chunk is None:
        return
    # In a container of its own that the style hides, so the page keeps its layout (no gap).
    with st.container(key=_KEY):
        st.html(_HIDE + _SCRIPT.replace("CHUNK", chunk), unsafe_allow_javascript=True)
