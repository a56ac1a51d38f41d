"""The dashboard under `streamlit.testing.v1.AppTest`: run a page as a role, with fresh caches,
and record every table it fetches through `pipelines.access.fetch` (the one door pages use)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "dashboard" / "streamlit_app.py"
PAGES_DIR = REPO / "dashboard" / "app_pages"


def pages(only: list[str] | None = None) -> list[str]:
    """Every page file of the app (the navigation shows a director all of them), or `only`."""
    found = sorted(p.stem for p in PAGES_DIR.glob("*.py") if not p.stem.startswith("_"))
    return [p for p in found if not only or p in only]


def clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()  # the dashboard's connection too: the next run opens a new one


def open_page(db_path: Path, page: str, role: str = "director"):
    """An AppTest of the real entry point switched to `page` (not yet run)."""
    from streamlit.testing.v1 import AppTest

    os.environ["OUTCOMES_DB_PATH"] = str(db_path)
    at = AppTest.from_file(str(APP), default_timeout=600)
    at.query_params["role"] = role
    at.switch_page(f"app_pages/{page}.py")
    return at


def problems(at) -> list[str]:
    """Exceptions and errors the run showed (a benchmark of a broken page is not a result)."""
    return [str(e.value)[:300] for e in at.exception] + [str(e.value)[:300] for e in at.error]


@dataclass
class Call:
    """One `fetch` a page made: enough to make it again outside Streamlit."""

    page: str
    name: str
    viewer: object
    kwargs: dict = field(default_factory=dict)

    def describe(self) -> dict:
        k = self.kwargs
        extra = {n: v for n, v in k.items() if n not in ("filters", "group_by", "suppress")}
        return {
            "page": self.page,
            "name": self.name,
            "group_by": k.get("group_by"),
            "suppress": bool(k.get("suppress")),
            "filters": k["filters"].describe() if "filters" in k else "all episodes",
            "params": {n: repr(v) for n, v in sorted(extra.items())},
        }


class Recorder:
    """Wraps `pipelines.access.fetch` while active, keeping each call of the current page."""

    def __init__(self) -> None:
        self.page = ""
        self.calls: list[Call] = []

    def __enter__(self) -> Recorder:
        from pipelines import access

        self._original = original = access.fetch

        def fetch(con, viewer, name, **kwargs):
            self.calls.append(Call(self.page, name, viewer, dict(kwargs)))
            return original(con, viewer, name, **kwargs)

        access.fetch = fetch
        return self

    def __exit__(self, *exc) -> None:
        from pipelines import access

        access.fetch = self._original


def capture(
    db_path: Path, role: str = "director", only: list[str] | None = None
) -> tuple[dict[str, list[Call]], dict]:
    """Each page's fetches, in the order it makes them, and the problems any page showed."""
    found: dict[str, list[Call]] = {}
    broken: dict[str, list[str]] = {}
    with Recorder() as recorder:
        for page in pages(only):
            clear_caches()  # a cached table would not reach fetch, and so not be recorded
            recorder.page, recorder.calls = page, []
            at = open_page(db_path, page, role).run()
            found[page] = recorder.calls
            if problems(at):
                broken[page] = problems(at)
    clear_caches()
    return found, broken
