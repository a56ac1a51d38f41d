"""Data quality: is the data complete and recent enough to trust the other pages?"""

import streamlit as st

from dashboard import charts, data, filters, ui

ui.page_header(
    "Data quality",
    "Is the data recent and complete enough to trust the other pages? Loads, rejected rows, rows "
    "that belong to no episode, how much was measured, and how fresh each table is.",
)
f = filters.current()
director = data.can("quarantine_rows")

ui.table(
    data.table("freshness"),
    "freshness",
    "Latest date loaded per input table and its distance from the "
    f"data cut-off ({data.info()['as_of']:%Y-%m-%d}); rows include rows in no episode.",
    key="freshness",
    title="Freshness",
)

coverage = data.table("coverage", f)
ui.chart(
    charts.rate_bars(
        coverage.frame,
        "coverage_rate",
        title="Coverage",
        category="measure",
        n="n_expected",
        axis="Share measured",
    ),
    "coverage",
    "Weeks with a screen: treatment weeks with a scheduled session that have a urine drug screen "
    "or breath test. Due follow-ups attempted: due by the cut-off, any status but pending. "
    "Wilson 95% intervals.",
    key="coverage",
    shown=coverage,
)

st.subheader("Ingest runs")
runs = data.frame("ingest_runs")
if runs.empty:
    st.info("No ingest runs yet: this database was built before loads were audited.")
else:
    ui.table(
        runs,
        "ingest_runs",
        "Every load into this database, newest first: rows read, loaded, "
        "skipped (duplicates, unchanged) and quarantined.",
        key="runs",
        title="Runs",
    )

st.subheader("Quarantined rows")
rejected = "quarantine_rows" if director else "quarantine_summary"
quarantine = data.frame(rejected)
if quarantine.empty:
    st.success("No rows were rejected at ingestion.", icon=":material/check:")
else:
    ui.table(
        quarantine,
        rejected,
        "Rows rejected at ingestion with the reason; fix them in the "
        "source file at the line shown and load it again."
        if director
        else "Rejected rows counted by file, column and check (the rows themselves are shown to "
        "program directors only).",
        key="quarantine",
        title="Quarantine",
    )

st.subheader("Rows in no episode")
ui.table(
    data.table("orphan_summary"),
    "orphan_summary",
    "Input rows kept but counted in no metric, because no episode of the client covers their date.",
    key="orphans",
    title="Orphan rows",
)
if director:
    ui.table(
        data.table("orphan_rows"),
        "orphan_rows",
        "Each orphan row with its client, file and line.",
        key="orphan_rows",
        title="Orphan rows, one by one",
    )
