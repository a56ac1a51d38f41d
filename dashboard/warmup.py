"""Fill the table cache in the background, so the first visit to a page finds its tables cached.

Streamlit's caches are process-wide: from a session's first click on, a thread runs the pages'
scripts with their default widget values and no session (Streamlit's "bare" mode: widgets return
their defaults, nothing is drawn), and every `data.table` they ask for lands in the same cache
entries a session's run would use. Entries are keyed by viewer (role, k, key), so
a warm-up for one role never fills another role's view. Once per viewer and database version.
"""

from __future__ import annotations

import logging
import runpy
import threading
from collections.abc import Sequence
from pathlib import Path

import streamlit as st
from streamlit import config

from dashboard import data
from pipelines.access import Role, Viewer

DASHBOARD = Path(__file__).resolve().parent
THREAD_NAME = "table-warmup"
RUNS_KEY = "_runs"  # session_state: script runs of this session
_LOG = logging.getLogger(__name__)


class _NoBareModeWarnings(logging.Filter):
    """Every Streamlit call in the warm-up thread would log 'missing ScriptRunContext'."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not threading.current_thread().name.startswith(THREAD_NAME)


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    _NoBareModeWarnings()
)


def warm(role: Role, pages: Sequence[str]) -> dict[str, str]:
    """Run each page script (a path under dashboard/) as `role` in this thread, outside any
    session. Returns the pages that stopped early and why: such a page is left half warm, for
    its first visitor's own run to finish (and show any error)."""
    stopped = {}
    with data.warming_as(role):
        for page in pages:
            try:
                runpy.run_path(str(DASHBOARD / page), run_name="__warmup__")
            except BaseException as exc:  # st.stop() raises too
                stopped[page] = repr(exc)
                _LOG.debug("warm-up of %s as %s stopped", page, role, exc_info=True)
    return stopped


def after_run(pages: Sequence[str], current: str) -> None:
    """Called at the end of every run: from a session's second run on (its first click), warm
    `pages` for the current viewer, starting with the ones after `current`.

    Not on the first run: the browser is still drawing the first page then, and on a machine
    that runs the browser too (the benchmarks) the warm-up slowed that first page by seconds.
    """
    runs = st.session_state.get(RUNS_KEY, 0) + 1
    st.session_state[RUNS_KEY] = runs
    if runs >= 2:
        at = pages.index(current) + 1 if current in pages else 0
        start([*pages[at:], *pages[:at]])


def start(pages: Sequence[str]) -> None:
    """Warm `pages` for the current viewer in a background thread, once per viewer and database
    version. Not under AppTest: a test calls `warm` itself, and counts what it fetched."""
    if config.get_option("global.appTest"):
        return
    db = data.database()
    _started(data.viewer(), db.version, str(db.path), tuple(pages))


@st.cache_resource(show_spinner=False, max_entries=64)
def _started(
    who: Viewer, version: tuple[int, int], path: str, _pages: tuple[str, ...]
) -> threading.Thread:
    thread = threading.Thread(
        target=warm, args=(who.role, _pages), name=f"{THREAD_NAME}-{who.role}", daemon=True
    )
    thread.start()
    return thread
