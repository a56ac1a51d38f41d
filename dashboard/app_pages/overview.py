"""Overview (program directors): how the program is doing, latest cohort against the one before."""

import streamlit as st

from dashboard import charts, data, filters, kpis, ui

ui.page_header(
    "Overview",
    "How is the program doing? Each card is the latest admission cohort with a value, its change "
    "since the cohort before (pts = percentage points) and every cohort as a sparkline.",
)
f = filters.current()
period = st.segmented_control(
    "Cohort period",
    list(kpis.PERIODS),
    default="quarter",
    key="period",
    bind="query-params",
    required=True,
)
# The cards stay on top but are filled after the first chart has been sent, so the chart does
# not wait for the cards' queries (docs/performance.md, "Browser cold start").
cards = st.container()

st.subheader("Trends by month and track")
admissions = data.table("admissions_by_month", f, "track")
by_track = admissions.n_hidden <= len(admissions.frame) / 2
if not by_track:  # most month x track cells are small: show months only
    admissions = data.table("admissions_by_month", f)
ui.chart(
    charts.admissions_by_month(admissions.frame),
    "admissions_by_month",
    "Episodes by admission month"
    + (" and track." if by_track else "; by track most months would be blank (small cells).")
    + " An episode is one admission.",
    key="admissions_by_month",
    shown=admissions,
    compare="track" if by_track else None,
)
with cards:
    kpis.render(kpis.overview(f, period or "quarter"))

if data.can("census_by_month"):
    census = data.table("census_by_month", f, "track")
    ui.chart(
        charts.census_by_month(census.frame),
        "census_by_month",
        "Episodes active (admitted, not yet discharged) at each month end, by track.",
        key="census_by_month",
        shown=census,
        compare="track",
    )
else:
    ui.not_shown("Monthly census is not shown: month-to-month changes reveal small counts.")
completion = data.table("completion_rate", f, "track")
ui.chart(
    charts.rate_bars(
        completion.frame,
        "completion_rate",
        title="Completion by track",
        n="n_discharged",
        axis="Completed / discharged",
    ),
    "completion_rate",
    "Completed / discharged episodes (TEDS reason 1), with Wilson 95% intervals; n = discharged.",
    key="completion_by_track",
    shown=completion,
    compare="track",
)
reasons = data.table("discharges_by_reason", f)
ui.chart(
    charts.discharges_by_reason(reasons.frame),
    "discharges_by_reason",
    "Discharges by TEDS reason; 'administrative' = no attended session for "
    f"{data.settings().admin_discharge_gap_days} days, discharged at the last attended session.",
    key="discharges_by_reason",
    shown=reasons,
)
