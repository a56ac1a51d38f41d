"""The Overview's KPI cards: each metric per admission cohort (month or quarter), the latest
cohort with a value against the cohort just before it, and every cohort as a sparkline."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd
import streamlit as st

from dashboard import data, ui
from pipelines.metrics.filters import Filters

PERIODS = {"quarter": "admission_quarter", "month": "admission_month"}
MATURE_SHARE = 0.9  # completion is read on cohorts at least this share discharged


@dataclass(frozen=True)
class Card:
    label: str
    metric: str
    value: str
    detail: str
    delta: str | None = None
    against: str | None = None
    spark: list[float] = field(default_factory=list)
    help: str = ""


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _latest(df: pd.DataFrame, value: str, base: str):
    """(latest cohort with a value, the cohort just before it if it has one, the sparkline)."""
    rows = df.sort_values("group_value").reset_index(drop=True)
    ok = (_num(rows[value]).notna() & (_num(rows[base]).fillna(0) > 0)).to_numpy()
    spark = [float(v) for v in _num(rows.loc[ok, value])]
    if not ok.any():
        return None, None, spark
    i = int(ok.nonzero()[0][-1])
    return rows.loc[i], (rows.loc[i - 1] if i > 0 and ok[i - 1] else None), spark


def _with_delta(card: Card, now, before, value: str, *, points: bool) -> Card:
    if before is None:
        return card
    change = float(now[value]) - float(before[value])
    delta = f"{change * 100:+.1f} pts" if points else f"{change:+,.0f}"
    return replace(card, delta=delta, against=f"vs {before['group_value']}")


def rate_card(label, metric, df, value, x, n, *, what: str, help: str = "", note: str = ""):
    now, before, spark = _latest(df, value, n)
    if now is None:
        return Card(label, metric, "—", f"no {what} in the filters", help=help)
    detail = (
        f"{ui.count(now[x])} of n = {ui.count(now[n])} {what} · "
        f"{ui.interval(now[f'{value}_lower'], now[f'{value}_upper'])} · "
        f"cohort {now['group_value']}{note}"
    )
    card = Card(label, metric, ui.pct(now[value]), detail, spark=spark, help=help)
    return _with_delta(card, now, before, value, points=True)


def followed(cohorts: pd.Series, period: str, day: int, as_of: pd.Timestamp) -> pd.Series:
    """Whether every episode of each cohort could have been followed `day` days by the cut-off.

    A younger cohort's Kaplan–Meier estimate at `day` is not biased (censoring), but rests on the
    few admitted early in the period: a card would show a number with almost no one at risk.
    """
    freq = "Q" if period == "quarter" else "M"
    ends = [pd.Period(str(c), freq=freq).end_time.normalize() for c in cohorts]
    return pd.Series([end + pd.Timedelta(days=day) <= as_of for end in ends], index=cohorts.index)


def _retention(filters: Filters, period: str, day: int) -> Card:
    df = data.frame("retention_at", filters, PERIODS[period], days=(30, 60, 90))
    df = df[df["day"] == day]
    as_of = pd.Timestamp(data.info()["as_of"])
    df = df[followed(df["group_value"], period, day, as_of).to_numpy()]
    now, before, spark = _latest(df, "retained_rate", "n_at_risk")
    label, help = f"Retained at day {day}", "Kaplan–Meier share without a premature exit."
    if now is None:
        return Card(
            label, "retention_at", "—", f"no cohort with an estimate at day {day} yet", help=help
        )
    detail = (
        f"n = {ui.count(now['n_episodes'])} admitted, {ui.count(now['n_at_risk'])} at risk · "
        f"{ui.interval(now['retained_rate_lower'], now['retained_rate_upper'])} · "
        f"cohort {now['group_value']} (latest followed {day} days)"
    )
    card = Card(label, "retention_at", ui.pct(now["retained_rate"]), detail, spark=spark, help=help)
    return _with_delta(card, now, before, "retained_rate", points=True)


def _census(filters: Filters, period: str) -> Card:
    n = data.frame("active_census", filters)["n_active"].iloc[0]
    as_of = pd.Timestamp(data.info()["as_of"])
    detail = f"episodes active at the cut-off {as_of:%Y-%m-%d}"
    card = Card("Census", "active_census", ui.count(n), detail, help="Admitted, not discharged.")
    if not data.can("census_by_month"):  # month-to-month changes give away small counts
        return card
    months = data.frame("census_by_month", filters).sort_values("month")
    if period == "quarter":
        months = months[pd.to_datetime(months["month"]).dt.month % 3 == 0]
    card = replace(card, spark=[float(v) for v in months["n_active_end"]])
    earlier = months[pd.to_datetime(months["census_date"]) < as_of]
    if earlier.empty or pd.isna(n):
        return card
    before = earlier.iloc[-1]
    delta = f"{int(n) - int(before['n_active_end']):+,}"
    return replace(card, delta=delta, against=f"vs {pd.Timestamp(before['census_date']):%Y-%m-%d}")


def _admissions(cohorts: pd.DataFrame) -> Card:
    now, before, spark = _latest(cohorts, "n_episodes", "n_episodes")
    if now is None:
        return Card("Admissions", "active_census", "—", "no admissions in the filters")
    detail = f"episodes admitted · cohort {now['group_value']}"
    card = Card(
        "Admissions",
        "active_census",
        ui.count(now["n_episodes"]),
        detail,
        spark=spark,
        help="Episodes admitted in the cohort.",
    )
    return _with_delta(card, now, before, "n_episodes", points=False)


def _completion(filters: Filters, by: str, cohorts: pd.DataFrame) -> Card:
    # A young cohort's completion is low only because its completers have not finished yet.
    df = data.frame("completion_rate", filters, by)
    admitted = cohorts.set_index("group_value")["n_episodes"]
    share = _num(df["n_discharged"]) / _num(df["group_value"].map(admitted))
    note = f" (latest with ≥ {MATURE_SHARE:.0%} discharged)"
    return rate_card(
        "Completion",
        "completion_rate",
        df[(share >= MATURE_SHARE).to_numpy()],
        "completion_rate",
        "n_completed",
        "n_discharged",
        what="discharged",
        help="Completed / discharged (TEDS).",
        note=note,
    )


def _followup(filters: Filters, by: str) -> Card:
    df = data.frame("followup_status", filters, by)
    first = df[df["timepoint_order"] < 99]["timepoint_order"].min()
    point = df[df["timepoint_order"] == first]
    name = point["timepoint"].iloc[0] if len(point) else ""
    return rate_card(
        f"Follow-up rate ({name})",
        "followup_status",
        point,
        "followup_rate",
        "n_in_window",
        "n_eligible",
        what="follow-ups reached in window",
        help="Reached within the window / follow-ups due (SAMHSA target 80%).",
    )


def overview(filters: Filters, period: str) -> list[Card]:
    by = PERIODS[period]
    cohorts = data.frame("active_census", filters, by)
    attendance = data.frame("attendance_rate", filters, by)
    screens = data.frame("negative_screen_rate", filters, by)
    return [
        _census(filters, period),
        _admissions(cohorts),
        _completion(filters, by, cohorts),
        *(_retention(filters, period, day) for day in (30, 60, 90)),
        rate_card(
            "Attendance",
            "attendance_rate",
            attendance,
            "attendance_rate",
            "n_attended",
            "n_scheduled",
            what="sessions",
            help="Attended / scheduled sessions.",
        ),
        rate_card(
            "Negative screens",
            "negative_screen_rate",
            screens,
            "negative_screen_rate",
            "n_negative",
            "n_screens",
            what="screens",
            help="Screens showing no use.",
        ),
        _followup(filters, by),
    ]


def render(cards: list[Card], per_row: int = 3) -> None:
    for start in range(0, len(cards), per_row):
        for column, card in zip(st.columns(per_row), cards[start : start + per_row], strict=False):
            with column:
                st.metric(
                    card.label,
                    card.value,
                    card.delta,
                    border=True,
                    help=card.help,
                    chart_data=card.spark or None,
                    delta_description=card.against,
                    delta_color="off" if card.metric == "active_census" else "normal",
                )
                st.caption(card.detail)
