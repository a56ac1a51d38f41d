"""Relapse & use: weekly use patterns from drug screens, under published outcome definitions and
each missing-data rule side by side."""

import streamlit as st

from dashboard import catalogue, data, filters, pattern_charts, tables, ui
from pipelines.patterns import DEFINITIONS, MISSING_RULES, SUBSTANCE_CLASSES, SUBSTANCE_HELP

RATES = [d for d, v in DEFINITIONS.items() if v.kind in ("time_event", "flag")]
TIMED = [d for d, v in DEFINITIONS.items() if v.kind == "time_event"]

ui.page_header(
    "Relapse & use",
    "How much use do the screens show week by week, and how many clients relapse under each "
    "published definition? Missing screens change the answer a lot, so every rule is shown.",
)
f = filters.current()
left, right = st.columns(2)
substance = left.selectbox(
    "Substance",
    SUBSTANCE_CLASSES,
    key="substance",
    bind="query-params",
    help="; ".join(f"**{k}**: {v}" for k, v in SUBSTANCE_HELP.items()),
)
with right:
    by = filters.compare_by()

weekly = data.table("positivity_by_week", f, substance=substance, missing=MISSING_RULES)
ui.chart(
    pattern_charts.positivity(weekly.frame),
    "positivity_by_week",
    "Positive weeks ('+' all positive or '*' mixed) among: weeks with a test (missing "
    "ignored); every scheduled week, a week without a test counted positive (missing = "
    "positive); weeks with a test of clients who missed none (completers). Wilson 95%.",
    key="positivity",
    shown=weekly,
)

chosen = st.multiselect(
    "Definitions to compare",
    RATES,
    default=["ctn0094_relapse", "lee2016_relapse", "ctn0094_abstinence"],
    key="definitions",
    bind="query-params",
    format_func=lambda d: DEFINITIONS[d].title,
)
if chosen:
    rates = data.table(
        "relapse_rate", f, definition=tuple(chosen), substance=substance, missing=MISSING_RULES
    )
    ui.chart(
        pattern_charts.definitions_side_by_side(rates.frame),
        "relapse_rate",
        "Share of evaluable episodes with the event (for abstinence: the success) under each "
        "missing-data rule; n = evaluable episodes (a word shorter than the window is not). "
        "Wilson 95% intervals.",
        key="definitions",
        shown=rates,
    )
    ui.table(
        rates,
        "relapse_rate",
        "Each definition under each rule, side by side.",
        key="definitions_table",
        title="Definitions side by side",
        columns=tables.RELAPSE_RATES,
    )
    library = catalogue.pattern_definitions()
    ui.table(
        library[library["id"].isin(chosen)],
        None,
        "The rule each definition applies to the weekly word, and where it was published.",
        key="definition_rules",
        title="The chosen definitions",
    )

definition = st.selectbox(
    "Time to event",
    TIMED,
    key="timed",
    bind="query-params",
    format_func=lambda d: DEFINITIONS[d].title,
)
rule = st.segmented_control(
    "Missing-data rule",
    MISSING_RULES,
    default="positive",
    key="rule",
    bind="query-params",
    required=True,
)
if data.can("relapse_curve"):
    args = {"definition": definition, "substance": substance, "missing": rule}
    curve = data.table("relapse_curve", f, by, **args)
    result = tables.logrank_line(data.frame("relapse_logrank", f, by, **args))
    ui.chart(
        pattern_charts.relapse_curves(curve.frame, DEFINITIONS[definition].title),
        "relapse_curve",
        f"Kaplan–Meier share of evaluable episodes without the event by "
        f"week, missing = {rule}, log-log 95% bands; number at risk below. {result}",
        key="relapse_curve",
        shown=curve,
        compare=by,
    )
else:
    ui.not_shown("Kaplan–Meier curves step at single clients' events: see the event rates above.")
