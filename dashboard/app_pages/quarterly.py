"""Quarterly report (funders): the standard tables for one admission quarter, suppressed."""

from dataclasses import replace

import streamlit as st

from dashboard import data, filters, tables, ui

ui.page_header(
    "Quarterly report",
    "The standard tables for one admission cohort quarter, with fixed definitions, numerators "
    "and denominators. Every table here is small-cell suppressed for every viewer, as a funder "
    f"receives it: counts from 1 to {data.settings().small_cell_min - 1} are blank, and so is "
    "any cell they could be worked out from.",
)
quarters = sorted(data.choices().get("admission_quarter", []), reverse=True)
quarter = st.selectbox("Admission quarter", quarters, key="report_quarter", bind="query-params")
if quarter is None:
    st.info("No admission quarter has enough episodes to report.", icon=":material/info:")
    st.stop()
f = replace(filters.current(), quarters=(quarter,))
# The report covers a calendar quarter (admissions, discharges and follow-ups dated in it) for
# the tracks and sites chosen in the filter bar; docs/report.md says what each table counts.
scope = replace(filters.current(), quarters=(), date_from=None, date_to=None)
cols = st.columns(3)
for col, (fmt, label) in zip(
    cols, (("pdf", "PDF"), ("html", "HTML (offline)"), ("xlsx", "Excel workbook")), strict=True
):
    col.download_button(
        f"Quarterly report {quarter}, {label}",
        data=data.report_file(quarter, scope, fmt),
        file_name=f"quarterly-report-{quarter}.{fmt}",
        key=f"report-{fmt}",
        mime={
            "pdf": "application/pdf",
            "html": "text/html",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[fmt],
    )
st.caption(
    "The report files cover calendar quarter " + quarter + " (what each table counts is "
    "printed on it); the tables below are the admission cohort of that quarter."
)


# (table, title, caption, columns, compare by, parameters)
SECTIONS = [
    ("active_census", "Admissions by track", "Episodes admitted in the quarter and still "
     "active at the data cut-off.", tables.CENSUS, "track", {}),
    ("discharges_by_reason", "Discharges by reason", "Discharges of the quarter's admissions "
     "by TEDS reason; the share's denominator is all of them.", tables.REASONS, None, {}),
    ("completion_rate", "Completion by track", "Completed / discharged, and completed or "
     "transferred / discharged, Wilson 95% intervals.", tables.COMPLETION, "track", {}),
    ("retention_at", "Retention", "Kaplan–Meier share retained (no premature exit) at 30, 60 "
     "and 90 days.", tables.RETENTION_AT, None, {"days": (30, 60, 90)}),
    ("followup_status", "Follow-up rate", "Reached in window / counted, per timepoint, against "
     "the SAMHSA target of 80%.", tables.FOLLOWUP_STATUS, None, {}),
    ("followup_outcomes", "Outcomes among those reached", "National Outcome Measures among "
     "clients reached in window.", tables.OUTCOMES, None, {}),
    ("abstinence_change", "Change in days abstinent from intake", "Same clients at intake and "
     "later; not a causal effect of treatment.", tables.CHANGE, None, {}),
]  # fmt: skip
for name, title, caption, columns, by, params in SECTIONS:
    shown = data.table(name, f, by, suppress=True, **params)
    ui.table(shown, name, caption, key=f"q-{name}", title=f"{title}, {quarter}",
             columns=columns, compare=by)  # fmt: skip
