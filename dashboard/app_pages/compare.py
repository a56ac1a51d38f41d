"""Cohort comparison (researchers): every outcome side by side across groups, with its test."""

from dataclasses import replace

import streamlit as st

from dashboard import data, filters, ui
from pipelines import export

# Compare-by columns whose groups the filters can pick, and the Filters field that picks them.
PICKABLE = {
    "track": "tracks",
    "site": "sites",
    "level_of_care": "levels",
    "medication": "medications",
    "sex": "sexes",
    "age_group": "age_groups",
    "race_ethnicity": "race_ethnicities",
    "admission_quarter": "quarters",
}

ui.page_header(
    "Cohort comparison",
    "Do the groups differ? Every outcome side by side with the test that fits it (chi-square or "
    "Fisher for rates, Mann–Whitney or Kruskal–Wallis for skewed amounts, log-rank for "
    "retention), an effect size with its interval, and p-values adjusted across outcomes.",
)
f = filters.current()
left, right = st.columns([1, 2])
with left:
    by = filters.compare_by(options=list(PICKABLE))
with right:
    groups = st.multiselect(
        "Groups to compare (empty = all)",
        data.choices().get(by, []),
        key="groups",
        bind="query-params",
        placeholder="All groups",
    )
if groups:
    f = replace(f, **{PICKABLE[by]: tuple(groups)})

result = data.table("compare_groups", f, by)
ui.table(
    result,
    "compare_groups",
    "value = rate or median per group, n = its denominator. Risk difference (two groups, "
    "Newcombe interval) or Cramér's V; rank-biserial correlation or epsilon²; Peto hazard ratio "
    "of premature exit. p (BH) = Benjamini–Hochberg across all rows. Differences between "
    "groups are associations, not effects of the groups.",
    key="compare_groups",
    title=f"Outcomes by {filters.COMPARE_LABELS[by].lower()}",
    compare=by,
)

st.subheader("Analysis extract")
st.caption(
    "One row per episode passing the filters, de-identified: client ids replaced by pseudonyms "
    "(a keyed hash, stable for this database), no dates (days from admission; year of admission), "
    "age in groups; weekly use-pattern words per substance. In the CSV a cell starting with - (a "
    "word beginning with a negative week) gets a leading apostrophe for spreadsheet safety; the "
    "Parquet file keeps every value as is. For analysis inside the research agreement only."
)
lines = ui.context_lines("Analysis extract (de-identified)", compare=by)
extract = data.later("analysis_extract", f, by)
row = st.container(horizontal=True)
row.download_button(
    "Extract (CSV)",
    data=lambda: export.csv_bytes(extract(), lines),
    file_name="analysis_extract.csv",
    mime="text/csv",
    key="extract-csv",
    icon=":material/download:",
    on_click="ignore",
)
row.download_button(
    "Extract (Parquet)",
    data=lambda: export.parquet_bytes(extract(), lines),
    file_name="analysis_extract.parquet",
    mime="application/vnd.apache.parquet",
    key="extract-parquet",
    icon=":material/download:",
    on_click="ignore",
)
