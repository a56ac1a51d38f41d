"""Helpers for the AppTests of the dashboard: open a page as a role, read what it shows, run its
deferred downloads, and a generated sample database shared by the tests of one process."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from google.protobuf import text_format
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "dashboard" / "streamlit_app.py")
SAMPLE_EPISODES, SAMPLE_SEED = 500, 20261122
K = 11
FUNDER_PAGES = ("overview", "retention", "relapse", "followup", "quarterly", "definitions")


@pytest.fixture(autouse=True)
def fresh_caches():
    """Streamlit caches outlive one AppTest in a pytest process (STACK.md)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated program (sample_data.generator) built once per test process."""
    from pipelines.build import build
    from pipelines.settings import Settings
    from sample_data.generator import generate

    folder = tmp_path_factory.mktemp("sample")
    generate(folder / "src", episodes=SAMPLE_EPISODES, seed=SAMPLE_SEED)
    path = folder / "outcomes.duckdb"
    build(folder / "src", Settings(db_path=path))
    return path


class RecordingMediaFileManager(MediaFileManager):
    """The media manager of the latest AppTest run, kept so its deferred downloads can run."""

    latest: RecordingMediaFileManager | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingMediaFileManager.latest = self


@pytest.fixture(autouse=True)
def record_downloads(monkeypatch):
    monkeypatch.setattr("streamlit.testing.v1.app_test.MediaFileManager", RecordingMediaFileManager)


def open_page(db: Path, page: str, role: str = "director", **params: object) -> AppTest:
    """Run the app on `page` as `role`, with URL query parameters `params`."""
    import os

    os.environ["OUTCOMES_DB_PATH"] = str(db)
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["role"] = role
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def downloads(at: AppTest, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every download button of the last run, clicked: file name -> bytes (buttons whose label
    contains a text of `skip` are left alone, e.g. PNGs, which need Chromium)."""
    manager = RecordingMediaFileManager.latest
    out = {}
    for button in at.get("download_button"):
        proto = button.proto
        if not proto.HasField("deferred_file_id") or any(t in proto.label for t in skip):
            continue
        url = manager.execute_deferred(proto.deferred_file_id)
        file = manager.read_file(Path(url).stem)
        out[file.filename] = file.content
    return out


def walk(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def elements(at: AppTest) -> list:
    return [n for n in walk(at._tree) if hasattr(n, "proto") and n.proto is not None]


def all_text(at: AppTest) -> str:
    """Everything the run rendered, as text (tables as their values)."""
    parts = []
    for element in elements(at):
        if element.type == "arrow_data_frame":
            parts.append(element.value.to_csv(index=False))
        else:
            parts.append(text_format.MessageToString(element.proto, as_utf8=True))
    return "\n".join(parts)


def decode(value: object) -> np.ndarray:
    """A plotly JSON array: a list, or {"dtype", "bdata"} (base64 typed array)."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" not in value:
            return array
        shape = value["shape"]
        shape = [int(x) for x in shape.split(",")] if isinstance(shape, str) else shape
        return array.reshape(shape)
    return np.asarray(value, dtype=object)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def numbers(values: object) -> list[float]:
    out = []
    for v in np.ravel(decode(values)):
        text = str(v).replace(",", "").split(" ")[0]
        try:
            out.append(float(text))
        except ValueError:
            continue
    return [v for v in out if not np.isnan(v)]


def csv_table(content: bytes) -> pd.DataFrame:
    """The table of an exported CSV (after its lines of filters and the empty line)."""
    head, _, body = content.decode("utf-8").partition("\n\n")
    return pd.read_csv(io.StringIO(body)) if body.strip() else pd.DataFrame()


def as_numbers(series: pd.Series) -> pd.Series:
    """A table column as numbers: suppressed cells (shown as a dash) become NaN, "1,234" and
    "51.3%" become 1234 and 0.513."""
    text = series.astype(str).str.replace(",", "")
    percent = text.str.endswith("%")
    values = pd.to_numeric(text.str.rstrip("%"), errors="coerce")
    return values.where(~percent, values / 100)


def small(values: list[float], k: int = K) -> list[float]:
    return [v for v in values if 1 <= v <= k - 1]
