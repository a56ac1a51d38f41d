"""Trends over the last four quarters: the program-wide figures of each quarter, counted as in
that quarter's own report. Earlier quarters are protected program-wide only (without their
track and site rows, which this report does not print), which keeps a report to seconds."""

from __future__ import annotations

import duckdb
import pandas as pd
from markupsafe import Markup, escape

from pipelines.metrics.filters import Filters
from pipelines.report.cells import NOT_AVAILABLE, Footnotes, Row
from pipelines.report.charts import trends_chart
from pipelines.report.layout import PERIODS
from pipelines.report.model import Chart, Section, View
from pipelines.report.period import Period
from pipelines.report.protection import Protected
from pipelines.report.tables import compute

KEYS = ("census", "discharges", "retention", "attendance", "followups")
COLUMNS = ["measure", "kind", "quarter", "n_value", "n_numerator", "n_denominator", "rate"]


def _pick(table: Protected, where: dict[str, object]) -> tuple[pd.Series, pd.Series] | None:
    rows = table.data["dimension"] == "program"
    for column, value in where.items():
        rows &= table.data[column] == value
    rows = rows.to_numpy()
    if not rows.any():
        return None
    index = table.data.index[rows][0]
    return table.data.loc[index], table.reasons.loc[index]


def _measures(tables: dict[str, Protected], quarter: str) -> list[tuple[dict, dict]]:
    out = []

    def add(measure, kind, table, where, value=None, num=None, den=None, rate=None):
        found = _pick(tables[table], where)
        names = {"n_value": value, "n_numerator": num, "n_denominator": den, "rate": rate}
        row = {"measure": measure, "kind": kind, "quarter": quarter}
        why = {"measure": "", "kind": "", "quarter": ""}
        for target, source in names.items():
            row[target] = None if found is None or source is None else found[0][source]
            why[target] = "" if found is None or source is None else found[1][source]
        out.append((row, why))

    add("Clients served", "count", "census", {}, value="n_clients_served")
    add("Admissions", "count", "census", {}, value="n_admissions")
    add("Discharges", "count", "census", {}, value="n_discharges")
    add("Completion rate (discharges)", "rate", "discharges", {"discharge_reason": "completed"},
        num="n_discharges", den="n_discharged", rate="reason_rate")  # fmt: skip
    add("Retained at 90 days (admissions)", "rate", "retention", {"day": 90},
        den="n_episodes", rate="retained_rate")  # fmt: skip
    add("Attendance rate (admissions)", "rate", "attendance", {}, num="n_attended",
        den="n_scheduled", rate="attendance_rate")  # fmt: skip
    followups = tables["followups"].data
    points = followups.sort_values("timepoint_order")["timepoint"].drop_duplicates()
    for point in points:
        add(f"Follow-up rate, {point}", "rate", "followups", {"timepoint": point},
            num="n_in_window", den="n_eligible", rate="followup_rate")  # fmt: skip
    return out


def earlier(
    con: duckdb.DuckDBPyConnection, period: Period, filters: Filters, k: int
) -> dict[str, Protected]:
    """The tables of an earlier quarter that the trends need, protected program-wide."""
    return compute(con, period, filters, k, (), keys=KEYS)


def trends(periods: list[Period], tables: list[dict[str, Protected]]) -> Protected:
    """Long table: one row per measure per quarter, from each period's tables (`earlier`, and
    the report's own for the last period)."""
    rows, reasons = [], []
    for period, found in zip(periods, tables, strict=True):
        for row, why in _measures(found, period.quarter.label):
            rows.append(row)
            reasons.append(why)
    data = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("n_value", "n_numerator", "n_denominator"):
        data[column] = pd.array(pd.to_numeric(data[column], errors="coerce"), dtype="Int64")
    data["rate"] = pd.to_numeric(data["rate"], errors="coerce").astype("Float64")
    data.insert(0, "group", "All clients")
    data.insert(0, "dimension", "program")
    why = pd.DataFrame(reasons, columns=COLUMNS).fillna("")
    why.insert(0, "group", "")
    why.insert(0, "dimension", "")
    return Protected(data, why, tables[-1]["census"].spec)


def trends_section(table: Protected, k: int) -> Section:
    notes = Footnotes(k)
    quarters = list(dict.fromkeys(table.data["quarter"]))
    lines = []
    for measure, part in table.data.groupby("measure", sort=False):
        line = [escape(measure)]
        for quarter in quarters:
            found = part.index[part["quarter"] == quarter]
            if len(found) == 0:
                line.append(escape(NOT_AVAILABLE))
                continue
            line.append(_cell(Row(part.loc[found[0]], table.reasons.loc[found[0]], notes)))
        lines.append(line)
    view = View("trends", "The last four quarters, all clients", PERIODS["trends"],
                ["Measure", *quarters], lines, notes.notes(),
                "Retention at 90 days is unknown (n/a) until the cohort has been followed that "
                "long.")  # fmt: skip
    chart = Chart("trends", "Rates over the last four quarters", trends_chart(table.data))
    intro = "The headline figures of this report for the quarter and the three before it."
    return Section("trends", "Trends", intro, [view], [chart])


def _cell(row: Row) -> Markup:
    if row.data["kind"] == "count":
        return row.count("n_value")
    if pd.isna(row.data["n_numerator"]) and not row.reasons["n_numerator"]:
        return row.percent("rate", ci=False)
    return row.share("rate", "n_numerator", "n_denominator")
