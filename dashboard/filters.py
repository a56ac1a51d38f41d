"""The filter bar every page shares, and the "compare by" selector: each widget is bound to the
URL (`bind="query-params"`), so a copied link reproduces the view."""

from __future__ import annotations

import calendar
from datetime import date

import streamlit as st

from dashboard import data
from pipelines.metrics.filters import Filters

FILTERS_KEY = "_filters"
COMPARE_LABELS = {
    "track": "Track",
    "site": "Site",
    "level_of_care": "Level of care",
    "medication": "Medication",
    "sex": "Sex",
    "age_group": "Age group",
    "race_ethnicity": "Race and ethnicity",
    "referral_source": "Referral source",
    "primary_substance": "Primary substance",
    "admission_quarter": "Admission quarter",
    "admission_year": "Admission year",
}
MULTI = (  # (Filters field, choices column, label, URL key)
    ("tracks", "track", "Track", "track"),
    ("sites", "site", "Site", "site"),
    ("levels", "level_of_care", "Level of care", "level"),
    ("medications", "medication", "Medication", "medication"),
)
DEMOGRAPHICS = (
    ("sexes", "sex", "Sex", "sex"),
    ("age_groups", "age_group", "Age group", "age"),
    ("race_ethnicities", "race_ethnicity", "Race and ethnicity", "race"),
)


def _month_bounds(month: str) -> tuple[date, date]:
    year, number = (int(x) for x in month.split("-"))
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def _months(first: date, last: date) -> list[str]:
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _narrow(start: date | None, end: date | None, month: str | None):
    if not month:
        return start, end
    low, high = _month_bounds(month)
    return max(filter(None, (start, low))), min(filter(None, (end, high)))


def bar() -> Filters:
    """Draw the filter bar in the sidebar and return the filters it sets."""
    options = data.choices()
    first, last = options["admission_dates"]
    values: dict[str, object] = {}
    with st.sidebar:
        st.subheader("Filters")
        picked = st.date_input(
            "Admitted between",
            value=(),
            min_value=first,
            max_value=last,
            key="admitted",
            bind="query-params",
            help="Admission date range, inclusive (empty = all).",
        )
        month = st.selectbox(
            "Admission month (cohort)",
            _months(first, last),
            index=None,
            key="month",
            bind="query-params",
            placeholder="All months",
        )
        values["quarters"] = st.multiselect(
            "Admission quarter (cohort)",
            options.get("admission_quarter", []),
            key="quarter",
            bind="query-params",
            placeholder="All quarters",
        )
        for field, column, label, key in MULTI:
            values[field] = st.multiselect(
                label, options.get(column, []), key=key, bind="query-params", placeholder="All"
            )
        with st.expander("Demographics"):
            for field, column, label, key in DEMOGRAPHICS:
                values[field] = st.multiselect(
                    label,
                    options.get(column, []),
                    key=key,
                    bind="query-params",
                    placeholder="All",
                )
    dates = tuple(picked) if isinstance(picked, tuple | list) else (picked,)
    start = dates[0] if len(dates) >= 1 else None
    end = dates[1] if len(dates) == 2 else None
    start, end = _narrow(start, end, month)
    filters = Filters(date_from=start, date_to=end, **{k: tuple(v) for k, v in values.items()})
    st.session_state[FILTERS_KEY] = filters
    return filters


def current() -> Filters:
    """The filters the bar set on this run (all episodes if the page has no bar, and for a
    warm-up, which fills the cache of the default view)."""
    if data.warming():
        return Filters()
    return st.session_state.get(FILTERS_KEY, Filters())


def compare_by(
    default: str = "track", *, label: str = "Compare by", options: list[str] | None = None
) -> str:
    """The "compare by" selector for pages that compare groups (bound to `?compare=`)."""
    options = list(options or COMPARE_LABELS)
    return st.selectbox(
        label,
        options,
        index=options.index(default),
        format_func=COMPARE_LABELS.get,
        key="compare",
        bind="query-params",
        width=320,
    )
