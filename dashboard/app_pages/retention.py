"""Retention & attendance: how long clients stay, why they leave, how much treatment they get."""

from dashboard import charts, data, filters, tables, ui
from dashboard.survival_charts import km_curves

ui.page_header(
    "Retention & attendance",
    "How long do clients stay before leaving early, why do episodes end, and do clients get "
    "the dose of treatment the ASAM criteria ask for?",
)
f, by = filters.current(), filters.compare_by()

if data.can("retention_curve"):
    curve = data.table("retention_curve", f, by)
    test = data.table("retention_logrank", f, by)
    ui.chart(
        km_curves(curve.frame),
        "retention_curve",
        "Kaplan–Meier share of episodes without a premature exit (dropped out, terminated, "
        "administrative discharge), log-log 95% bands; completers, transfers and active episodes "
        f"are censored. Number at risk below the curve. {tables.logrank_line(test.frame)}",
        key="retention_curve",
        shown=curve,
        compare=by,
    )
else:
    ui.not_shown("Kaplan–Meier curves step at single clients' exits: see retention at set days.")
at = data.table("retention_at", f, by, days=(30, 60, 90, 180))
ui.table(
    at,
    "retention_at",
    "Kaplan–Meier share retained at each day with its log-log 95% band; "
    "at risk = episodes still followed that day, exits = premature exits by then.",
    key="retention_at",
    title="Retained at day N",
    columns=tables.RETENTION_AT,
    compare=by,
)

mix = data.table("discharges_by_reason", f, by)
ui.chart(
    charts.reason_mix(mix.frame),
    "discharges_by_reason",
    "Share of each group's discharges by TEDS reason; hover for the denominator.",
    key="discharge_mix",
    shown=mix,
    compare=by,
)
los = data.table("length_of_stay", f)
ui.chart(
    charts.los_by_reason(los.frame),
    "length_of_stay",
    "Median length of stay (discharge minus admission, days) with the interquartile "
    "range, by discharge reason.",
    key="length_of_stay",
    shown=los,
)
ui.table(
    los,
    "length_of_stay",
    "Length of stay of discharged episodes: quartiles are R's type 7.",
    key="length_of_stay_table",
    title="Length of stay by reason",
    columns=tables.LOS,
)

weeks = data.table("attendance_by_week", f, "admission_quarter")
ui.chart(
    charts.heatmap(
        weeks.frame, "attendance_rate", title="Attendance by week in treatment", x="week_number"
    ),
    "attendance_by_week",
    "Attended / scheduled sessions (cancelled excluded) by admission cohort and week in "
    "treatment; week 1 starts on the admission day. Blank: no sessions scheduled or hidden.",
    key="attendance_heatmap",
    shown=weeks,
    compare="admission_quarter",
)
dose = data.table("hours_per_week", f, by)
ui.chart(
    charts.rate_bars(
        dose.frame,
        "meeting_minimum_rate",
        title="Weeks at the ASAM minimum dose",
        n="n_weeks",
        axis="Complete weeks at the minimum",
    ),
    "hours_per_week",
    "Share of complete treatment weeks with attended hours at the ASAM level 2.1 minimum (9 h; "
    "6 h under 18), 95% interval robust to clustering within episodes.",
    key="dose",
    shown=dose,
    compare=by,
)
ui.table(
    dose,
    "hours_per_week",
    "Attended hours per complete week; n = complete weeks.",
    key="dose_table",
    title="Dose against the ASAM minimum",
    columns=tables.DOSE,
    compare=by,
)
