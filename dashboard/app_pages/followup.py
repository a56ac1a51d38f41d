"""Follow-up outcomes: are clients reached after discharge, and how are those reached doing?"""

import streamlit as st

from dashboard import charts, data, filters, tables, ui
from pipelines.metrics.followup import SAMHSA_TARGET

ui.page_header(
    "Follow-up outcomes",
    "Are clients reached after discharge (SAMHSA asks for 80%), who is due or overdue, and how "
    "are the clients reached doing compared with intake?",
)
f = filters.current()

status = data.table("followup_status", f)
ui.chart(
    charts.rate_bars(
        status.frame,
        "followup_rate",
        title="Follow-up rate by timepoint",
        category="timepoint",
        n="n_eligible",
        target=SAMHSA_TARGET,
        axis="Reached in window / counted",
    ),
    "followup_status",
    "Follow-ups completed within the window (due date ± "
    f"{data.settings().followup_window_days} days) / follow-ups counted: a final outcome, or "
    "still pending after the window closed; clients who died are left out. Wilson 95% intervals.",
    key="followup_rate",
    shown=status,
)
ui.table(
    status,
    "followup_status",
    "Counted = the denominator of the follow-up rate.",
    key="followup_status",
    title="Follow-up status",
    columns=tables.FOLLOWUP_STATUS,
)

if data.can("followups_due"):
    # A state system has hundreds of thousands pending: the page lists the first
    # tables.DUE_ROWS (the longest overdue first), counts them all, and the CSV holds every one.
    counts = data.frame("followups_due_counts", f)
    n = dict(zip(counts["followup_state"], counts["n_followups"], strict=True))
    n_all, n_overdue = int(counts["n_followups"].sum()), int(n["overdue"])
    due = data.frame("followups_due", f, max_rows=tables.DUE_ROWS)
    shown = f" The table shows the first {len(due):,} of {n_all:,}; the CSV holds all of them."
    ui.table(
        due,
        "followups_due",
        "Pending follow-ups: overdue (window closed; the longest overdue first), window open, "
        "or coming due within 30 days. Client-level: program directors only."
        + (shown if len(due) < n_all else ""),
        key="followups_due",
        title=f"Due and overdue: {n_overdue:,} overdue, {n_all - n_overdue:,} due now or soon",
        full=data.later("followups_due", f),
    )

outcomes = data.table("followup_outcomes", f)
ui.chart(
    charts.outcome_bars(outcomes.frame),
    "followup_outcomes",
    "Among clients reached in window who answered: abstinent (0 days of use in the past 30, "
    "SAMHSA GPRA), employed or in school, stably housed, arrested in the past 30 days.",
    key="followup_outcomes",
    shown=outcomes,
)
ui.table(
    outcomes,
    "followup_outcomes",
    "n = clients reached who answered the question.",
    key="followup_outcomes_table",
    title="Outcomes among those reached",
    columns=tables.OUTCOMES,
)

st.subheader("Intake → discharge → follow-up")
st.warning(
    "Change from intake is not a causal effect of treatment: clients who are reached differ from "
    "those who are not (see the retention-bias table), and people often enter treatment at their "
    "worst, so some improvement would happen anyway (regression to the mean).",
    icon=":material/info:",
)
path = data.table("abstinence_by_timepoint", f)
ui.chart(
    charts.abstinence_path(path.frame),
    "abstinence_by_timepoint",
    "Mean percent days abstinent (t 95% interval) at each timepoint among clients assessed "
    "then; the clients differ from timepoint to timepoint. The paired table below follows "
    "the same clients.",
    key="abstinence_path",
    shown=path,
)
change = data.table("abstinence_change", f)
ui.table(
    change,
    "abstinence_change",
    "Same clients at intake and later: Wilcoxon signed-rank test of percent days abstinent.",
    key="abstinence_change",
    title="Paired change from intake",
    columns=tables.CHANGE,
)
if data.can("followup_bias"):
    ui.table(
        data.table("followup_bias", f),
        "followup_bias",
        "Intake characteristics of clients followed vs lost to "
        "follow-up (medians or shares); a difference means the follow-up outcomes describe a "
        "selected group. p adjusted across characteristics (Benjamini–Hochberg).",
        key="followup_bias",
        title="Retention-bias table",
        columns=tables.BIAS,
    )
else:
    st.caption(
        "The retention-bias table for funders is in the quarterly report (PDF), where it "
        "is protected per characteristic."
    )
