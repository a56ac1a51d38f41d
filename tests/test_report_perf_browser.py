"""The report's own Chromium (pipelines.report.browser): charts drawn as kaleido drew them (PNG at
scale 2 of the figure with the 20 px band `pipelines.export.stamped` adds), and reports made at
once on threads sharing one connection equal the report made alone."""

from __future__ import annotations

import base64
import re
import shutil
import struct
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import pytest

from pipelines.report import build_report
from pipelines.report.charts import png_data_uris
from pipelines.settings import Settings
from tests.conftest import require


@pytest.fixture(autouse=True)
def chromium():
    require(Path(shutil.which("chromium") or "/usr/bin/chromium"), "Chromium")


def png_size(uri: str) -> tuple[int, int]:
    head, _, data = uri.partition(",")
    assert head == "data:image/png;base64"
    png = base64.b64decode(data)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])  # IHDR width, height


def test_charts_are_pngs_at_scale_two():
    bars = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"width": 900, "height": 360})
    line = go.Figure(go.Scatter(x=[1, 2], y=[0.5, 0.7]), layout={"width": 640, "height": 400})
    uris = png_data_uris({"bars": bars, "line": line})
    assert png_size(uris["bars"]) == (1800, 760)  # 2 × 900, 2 × (360 + 20)
    assert png_size(uris["line"]) == (1280, 840)
    assert png_data_uris({}) == {}


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> list[str]:
    require(Path(shutil.which("pdftotext") or "/usr/bin/pdftotext"), "pdftotext (poppler)")
    path = tmp_path / name
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    pages = [" ".join(page.split()) for page in text.split("\f") if page.strip()]
    return [re.sub(r"Generated \S+ \S+ \S+", "Generated …", page) for page in pages]


def test_reports_on_threads_equal_the_report_alone(tiny_db, tmp_path):
    con = duckdb.connect(str(tiny_db), read_only=True)
    settings = Settings(db_path=tiny_db, small_cell_min=1)
    try:
        alone = build_report(con, quarter="2026Q1", fmt="pdf", settings=settings)
        with ThreadPoolExecutor(2) as pool:
            jobs = [pool.submit(build_report, con, quarter="2026Q1", fmt="pdf",
                                settings=settings) for _ in range(2)]  # fmt: skip
            together = [job.result() for job in jobs]
    finally:
        con.close()
    expected = pdf_text(alone, tmp_path, "alone.pdf")
    assert len(expected) >= 8 and "Page 1 of" in expected[0]
    for i, pdf in enumerate(together):
        assert pdf_text(pdf, tmp_path, f"together-{i}.pdf") == expected
