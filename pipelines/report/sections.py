"""The report's sections on care in the quarter: clients served, discharges and completion,
retention, attendance, dose and drug screens."""

from __future__ import annotations

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from pipelines.report.cells import Row
from pipelines.report.charts import discharge_reasons_chart
from pipelines.report.layout import PERIODS, pivot, view
from pipelines.report.model import Chart, Section
from pipelines.report.protection import SUM_REASON, Protected, join, without_reason
from pipelines.suppression import RATE_REASON, is_small


def census_section(tables: dict[str, Protected], k: int) -> Section:
    header = ["Group", "Clients served", "Episodes served", "Active at start", "Admitted"]
    header += ["Discharged", "Active at end"]
    columns = ["n_clients_served", "n_episodes_served", "n_active_start", "n_admissions"]
    columns += ["n_discharges", "n_active_end"]
    table = view(
        "census", "Clients served, admissions and discharges", PERIODS["census"], header,
        tables["census"], lambda label, r: [escape(label), *[r.count(c) for c in columns]], k,
    )  # fmt: skip
    intro = (
        "Episodes in care during the quarter. Episodes served = active at start + admitted = "
        "discharged + active at end; a client with two episodes in the quarter is one client."
    )
    return Section("census", "Clients served, admissions and discharges", intro, [table])


def completion(discharges: Protected, k: int) -> Protected:
    """Completed and completed-or-transferred per group, from the protected discharge table.

    Completed-or-transferred adds two protected counts: it is blank when either is, and when the
    discharges with neither outcome are a small count (they would be its complement).
    """
    data, reasons = discharges.data, discharges.reasons
    keys = ["dimension", "group"]

    def part(reason: str, columns: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        rows = (data["discharge_reason"] == reason).to_numpy()
        pick = [*keys, *columns]
        values, why = data.loc[rows, pick], reasons.loc[rows, pick]
        return values.rename(columns=columns), why.rename(columns=columns)

    los = {c: c for c in ("los_median_days", "los_q1_days", "los_q3_days")}
    rate = dict(zip(_ci("reason_rate"), _ci("completion_rate"), strict=True))
    values, why = join(
        [
            part("all", {"n_discharges": "n_discharged"} | los),
            part("completed", {"n_discharges": "n_completed"} | rate),
            part("transferred", {"n_discharges": "n_transferred"}),
        ],
        keys,
    )
    total = values["n_discharged"].astype("Float64")
    both = values["n_completed"].astype("Float64") + values["n_transferred"].astype("Float64")
    rest = (total - both).to_numpy(dtype=float, na_value=np.nan)
    count_why = np.select(
        [(why["n_completed"] != "") | (why["n_transferred"] != ""), is_small(rest, k)],
        [SUM_REASON, without_reason(k)],
        "",
    )
    why["n_completed_or_transferred"] = count_why
    rate_gone = (count_why != "") | (why["n_discharged"] != "").to_numpy()
    why["completed_or_transferred_rate"] = np.where(rate_gone, RATE_REASON, "")
    values["n_completed_or_transferred"] = both.astype("Int64").mask(count_why != "")
    values["completed_or_transferred_rate"] = (both / total).mask(rate_gone)
    order = [*keys, "n_discharged", "n_completed", *_ci("completion_rate"), "n_transferred"]
    order += ["n_completed_or_transferred", "completed_or_transferred_rate", *los]
    return Protected(values[order], why[order], discharges.spec)


def reason_label(r: Row) -> Markup:
    """The reason's label; the administrative one is explained in the caption instead."""
    label = str(r.data["discharge_reason_label"])
    return escape(label.split(" (")[0] if r.data["discharge_reason"] == "administrative" else label)


def share(r: Row) -> Markup:
    return escape("") if r.data["discharge_reason"] == "all" else r.percent("reason_rate")


def _ci(name: str) -> list[str]:
    return [name, f"{name}_lower", f"{name}_upper"]


def discharge_section(tables: dict[str, Protected], k: int, completed: Protected) -> Section:
    discharges = tables["discharges"]
    program = discharges.data["dimension"] == "program"
    header = ["Reason (TEDS)", "Discharges", "Share (95% CI)", "Median stay, days", "IQR, days"]
    header.append("Mean stay, days")
    reasons = view(
        "discharges", "Discharges by reason, all clients", PERIODS["discharges"], header,
        discharges,
        lambda _, r: [reason_label(r), r.count("n_discharges"),
                      share(r), r.decimal("los_median_days"),
                      r.spread("los_q1_days", "los_q3_days"), r.decimal("los_mean_days")],
        k, where=program,
        caption="Administrative discharge: no attended session within the gap set by the "
        "program; reported under TEDS REASON 'dropped out'. Length of stay: discharge date − "
        "admission date; quartiles by linear interpolation (R's default).",
    )  # fmt: skip
    header = ["Group", "Discharged", "Completed", "Completion rate (95% CI)"]
    header += ["Completed or transferred", "Share", "Median stay, days", "IQR, days"]
    by_group = view(
        "completion", "Completion and length of stay", PERIODS["discharges"], header, completed,
        lambda label, r: [escape(label), r.count("n_discharged"), r.count("n_completed"),
                          r.percent("completion_rate"), r.count("n_completed_or_transferred"),
                          r.percent("completed_or_transferred_rate", ci=False),
                          r.decimal("los_median_days"), r.spread("los_q1_days", "los_q3_days")],
        k, caption="Completion rate = completed (TEDS REASON 'completed') / all discharges; "
        "completed or transferred adds TEDS REASON 'transferred' (to further treatment).",
    )  # fmt: skip
    chart = Chart(
        "discharge_reasons",
        "Discharges by reason, share of all discharges in the quarter",
        discharge_reasons_chart(discharges),
    )
    intro = (
        "How the quarter's discharges ended, and how long the episodes lasted. Discharges are "
        "counted when they happen, so a report of the quarter includes clients admitted earlier."
    )
    return Section("discharges", "Discharges, completion and length of stay", intro,
                   [reasons, by_group], [chart])  # fmt: skip


def retention_section(tables: dict[str, Protected], k: int) -> Section:
    def cell(r):
        return r.percent("retained_rate")

    first = [("Admitted", lambda r: r.count("n_episodes"))]
    retained = pivot(
        "retention", "Share retained (no premature exit) at 30, 60 and 90 days (95% CI)",
        PERIODS["retention"], tables["retention"], "day", cell, k, first=first,
        caption="Premature exit: dropped out, terminated by the facility or administrative "
        "discharge. n/a: no episode of the cohort has been followed that long by the cut-off.",
    )  # fmt: skip
    retained.header[2:] = [f"Day {h}" for h in retained.header[2:]]
    at_risk = pivot(
        "retention_at_risk", "Number at risk (still in care, not yet exited)",
        PERIODS["retention"], tables["retention"], "day", lambda r: r.count("n_at_risk"), k,
    )  # fmt: skip
    at_risk.header[1:] = [f"Day {h}" for h in at_risk.header[1:]]
    intro = (
        "Kaplan–Meier estimate of the share of the quarter's admissions not yet ended by a "
        "premature exit, with its log-log 95% interval. Completions, transfers and other exits "
        "are censored at discharge, episodes still active at the data cut-off."
    )
    return Section("retention", "Retention of the quarter's admissions", intro,
                   [retained, at_risk])  # fmt: skip


def care_section(tables: dict[str, Protected], k: int) -> Section:
    header = ["Group", "Episodes", "Sessions scheduled", "Attended", "Attendance rate (95% CI)"]
    header.append("No-show rate (95% CI)")
    attendance = view(
        "attendance", "Attendance", PERIODS["attendance"], header, tables["attendance"],
        lambda label, r: [escape(label), r.count("n_episodes"), r.count("n_scheduled"),
                          r.count("n_attended"), r.percent("attendance_rate"),
                          r.percent("no_show_rate")],
        k, caption="Scheduled sessions exclude those the program cancelled. Intervals are "
        "robust to the clustering of sessions within clients.",
    )  # fmt: skip
    dose = join_tables(tables["dose"], tables["initiation"])
    header = ["Group", "Complete weeks", "At the ASAM minimum", "Mean hours a week"]
    header += ["Initiation", "Engagement"]
    dose_view = view(
        "dose", "Dose, initiation and engagement", PERIODS["attendance"], header, dose,
        lambda label, r: [escape(label), r.count("n_weeks"),
                          r.share("meeting_minimum_rate", "n_weeks_meeting_minimum", "n_weeks"),
                          r.decimal("hours_per_week_mean"),
                          r.share("initiation_rate", "n_initiated", "n_eligible_initiation"),
                          r.share("engagement_rate", "n_engaged", "n_eligible_engagement")],
        k, caption="ASAM level 2.1 minimum: nine hours a week for adults, six under eighteen, "
        "in complete treatment weeks. Initiation and engagement: HEDIS IET-style, see the "
        "definitions.",
    )  # fmt: skip
    header = ["Group", "Episodes screened", "Screens", "Negative", "Negative rate (95% CI)"]
    screens = view(
        "screens", "Drug screens", PERIODS["screens"], header, tables["screens"],
        lambda label, r: [escape(label), r.count("n_episodes"), r.count("n_screens"),
                          r.count("n_negative"), r.percent("negative_screen_rate")],
        k, caption="A screen is one urine drug screen or breath test on one day; negative when no "
        "substance shows use (a positive for the client's prescribed medication is adherence).",
    )  # fmt: skip
    intro = "Sessions, hours and screens of the clients admitted in the quarter."
    return Section("care", "Attendance, dose and drug screens", intro,
                   [attendance, dose_view, screens])  # fmt: skip


def join_tables(left: Protected, right: Protected) -> Protected:
    """Two protected tables of the same groups side by side (shared columns from the left)."""
    keys = ["dimension", "group"]
    extra = [c for c in right.data.columns if c not in left.data.columns]
    values, why = join(
        [(left.data, left.reasons), (right.data[[*keys, *extra]], right.reasons[[*keys, *extra]])],
        keys,
    )
    return Protected(values, why, left.spec)
