"""Definitions: the metric catalogue, each entry with the SQL that computes it."""

import streamlit as st

from dashboard import catalogue, ui

ui.page_header(
    "Definitions",
    "Every number on these pages has one definition: what it counts, its grain, numerator and "
    "denominator, its source file and citation, and the SQL that computes it.",
)
entries = catalogue.entries()
name = st.selectbox(
    "Metric",
    list(entries),
    index=None,
    key="metric",
    bind="query-params",
    placeholder="Choose a metric, or read the whole catalogue below",
)


def show(entry: catalogue.Entry, *, expanded: bool) -> None:
    st.markdown(entry.markdown)
    if entry.sql:
        with st.expander(f"SQL: {entry.sql_path}", expanded=expanded):
            st.code(entry.sql, language="sql")


if name:
    st.header(f"`{name}`", anchor=name)
    show(entries[name], expanded=True)
    st.divider()

# An entry's text and highlighted SQL are drawn only once it is opened: drawing every closed
# entry made this the slowest page to open in the browser, for text nobody had asked to see.
intro = st.expander(
    "How to read an entry, and the models the metrics read", key="intro", on_change="rerun"
)
if intro.open:
    intro.markdown(catalogue.intro().split("\n", 1)[-1])
st.subheader("All metrics")
for entry in entries.values():
    box = st.expander(entry.name, key=f"entry-{entry.name}", on_change="rerun")
    if box.open:
        with box:
            show(entry, expanded=False)

st.subheader("Outcome definitions on weekly use patterns")
st.caption(
    "One symbol per treatment week: + all tests positive, - all negative, * mixed, o no test "
    "(missing), _ not scheduled (CTNote legend, NIDA CTN-0094)."
)
st.dataframe(catalogue.pattern_definitions(), hide_index=True, key="patterns")
for rule, help in catalogue.missing_rules().items():
    st.markdown(f"- **Missing = {rule}**: {help}")
