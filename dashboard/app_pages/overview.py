"""Overview: how the program is doing — admissions, who is in care, how episodes end."""

import streamlit as st

from dashboard import charts, data
from pipelines.metrics import ALL

st.title("Overview")

census = data.metric("active_census", ALL)
reasons = data.metric("discharges_by_reason", ALL)
admissions = data.metric("admissions_by_month", ALL, group_by="track")

n_discharged = int(reasons["n_discharges"].sum())
cols = st.columns(3)
cols[0].metric(
    "Episodes",
    f"{int(census['n_episodes'].sum()):,}",
    border=True,
    help="Admissions (episodes) in the data, all tracks.",
)
cols[1].metric(
    "Active at cut-off",
    f"{int(census['n_active'].sum()):,}",
    border=True,
    help="Episodes neither discharged nor administratively discharged.",
)
cols[2].metric(
    "Discharged", f"{n_discharged:,}", border=True, help="Recorded and administrative discharges."
)

st.plotly_chart(charts.admissions_by_month(admissions), width="stretch")
st.caption("Episodes by admission month and track. An episode is one admission (docs/metrics.md).")
st.plotly_chart(charts.discharges_by_reason(reasons), width="stretch")
st.caption(
    "Discharges by TEDS reason; 'administrative' = no attended session for "
    f"{data.settings().admin_discharge_gap_days} days, discharged at the last attended session."
)
