"""Upload (program directors): load new exports through the browser, with the same checks,
quarantine and audit as `outcomes ingest`."""

import tempfile
from pathlib import Path

import streamlit as st

from dashboard import data, ui

ui.page_header(
    "Upload",
    "Load new program exports (CSV, Parquet or Excel; one file per contract table, named after "
    "it, e.g. attendance.csv). Bad rows are quarantined, not loaded; a file that cannot be read "
    "changes nothing. Every load is recorded on the Data quality page.",
)
files = st.file_uploader(
    "Export files", type=["csv", "parquet", "xlsx"], accept_multiple_files=True, key="upload"
)
if st.button("Load", type="primary", disabled=not files, icon=":material/upload:"):
    bar = st.progress(0.0, text="Starting")
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        paths = []
        for file in files:
            path = Path(folder) / Path(file.name).name
            path.write_bytes(file.getbuffer())
            paths.append(path)
        result = data.upload(paths, progress=lambda what, x: bar.progress(min(x, 1.0), text=what))
    bar.empty()
    show = {"published": st.success, "no change": st.info, "refused": st.error}[result.outcome]
    show(f"{result.outcome.capitalize()}: {result.message or 'the new data is on every page.'}")
    st.code(data.ingest_summary(result), language=None)
