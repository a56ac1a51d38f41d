"""At-risk clients (program directors only): who should someone reach this week, and why."""

import streamlit as st

from dashboard import data, filters, ui

ui.page_header(
    "At-risk clients",
    "Who should someone reach this week? Clients with recent no-shows, a positive screen after a "
    "run of negatives, no attended session for a while, or a follow-up overdue, each with the "
    "reason. Client-level: program directors only.",
)
f = filters.current()
cols = st.columns(3)
recent = cols[0].number_input("Recent = last N days", 7, 60, 14, key="recent", bind="query-params")
no_contact = cols[1].number_input(
    "No contact for N days", 7, 60, 14, key="no_contact", bind="query-params"
)
no_shows = cols[2].number_input(
    "No-shows (at least)", 1, 10, 2, key="no_shows", bind="query-params"
)
shown = data.table(
    "at_risk_clients",
    f,
    recent_days=int(recent),
    no_contact_days=int(no_contact),
    min_no_shows=int(no_shows),
)
flags = shown.frame
counts = st.columns(4)
for column, (flag, label) in zip(
    counts,
    {
        "has_no_shows": "Recent no-shows",
        "has_positive_after_negatives": "Positive after negatives",
        "has_no_contact": "No contact",
        "has_overdue_followup": "Follow-up overdue",
    }.items(),
    strict=True,
):
    column.metric(label, f"{int(flags[flag].sum()):,}", border=True)
ui.table(
    flags,
    "at_risk_clients",
    "Active episodes flagged for no-shows, a positive screen after at least 2 negative screens in "
    "a row, or no attended session; any episode with a follow-up still pending after its window "
    "closed. Screens: urine drug screens and breath tests; a prescribed medication is not use.",
    key="at_risk",
    title=f"Flagged episodes ({len(flags):,})",
    columns={
        "client_id": ui.text("Client"),
        "reasons": ui.text("Why flagged"),
        "track": ui.text("Track"),
        "counselor": ui.text("Counselor"),
        "admission_date": st.column_config.DateColumn("Admitted"),
        "last_attended_date": st.column_config.DateColumn("Last attended"),
        "days_since_contact": ui.number("Days since contact"),
        "site": ui.text("Site"),
    },
)
