"""Laying out a protected table as a printed one: rows selected, cells formatted or marked."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd
from markupsafe import Markup, escape

from pipelines.report.cells import Footnotes, Row
from pipelines.report.model import View, group_label
from pipelines.report.protection import Protected

# What "the quarter" means for each table, printed above it and in the workbook.
PERIODS = {
    "census": "Dated in the quarter. Served: episodes active on at least one day of the quarter "
    "(admitted on or before its last day and not discharged before its first); clients are "
    "counted once. Admissions and discharges dated in the quarter (administrative discharges at "
    "the last attended session). Active at start and at end of the quarter.",
    "discharges": "Episodes discharged in the quarter, whatever their admission date.",
    "retention": "Admission cohort: episodes admitted in the quarter, followed to the data "
    "cut-off (Kaplan–Meier; episodes still active are censored).",
    "attendance": "Admission cohort: sessions of the episodes admitted in the quarter, over their "
    "stay up to the data cut-off.",
    "screens": "Admission cohort: urine drug screens and breath tests of the episodes admitted in "
    "the quarter, up to the data cut-off.",
    "abstinence": "Same clients at both points. Intake to discharge: episodes discharged in the "
    "quarter with both interviews. Intake to follow-up: follow-ups whose window closed in the "
    "quarter, reached inside the window, with an intake interview.",
    "followups": "Follow-ups whose window (due date ± {window} days) closed in the quarter, "
    "before the data cut-off, so every outcome is final.",
    "outcomes": "Clients reached inside the window at the follow-ups whose window closed in the "
    "quarter.",
    "bias": "Episodes with a follow-up counted in the quarter (window closed in it), program-wide.",
    "trends": "Each quarter counted as in the tables above.",
}


def rows(
    table: Protected, notes: Footnotes, where: pd.Series | None = None
) -> Iterator[tuple[str, Row]]:
    """Each selected row as (group label, Row)."""
    data = table.data if where is None else table.data[where.to_numpy()]
    for index in data.index:
        label = group_label(str(data.at[index, "dimension"]), str(data.at[index, "group"]))
        yield label, Row(data.loc[index], table.reasons.loc[index], notes)


def view(
    key: str,
    title: str,
    period: str,
    header: list[str],
    table: Protected,
    cells: Callable[[str, Row], list[Markup]],
    k: int,
    *,
    where: pd.Series | None = None,
    caption: str = "",
) -> View:
    """A printed table: one line per selected row, `cells(label, row)` giving its cells."""
    notes = Footnotes(k)
    lines = [cells(label, row) for label, row in rows(table, notes, where)]
    return View(key, title, period, header, lines, notes.notes(), caption)


def pivot(
    key: str,
    title: str,
    period: str,
    table: Protected,
    column: str,
    cell: Callable[[Row], Markup],
    k: int,
    *,
    first: list[tuple[str, Callable[[Row], Markup]]] = (),
    order: str | None = None,
    caption: str = "",
) -> View:
    """Groups down, the values of `column` across (e.g. timepoints): one cell per pair."""
    notes = Footnotes(k)
    data = table.data
    levels = data.sort_values(order or column)[column].drop_duplicates().tolist()
    lines = []
    for (dimension, group), part in data.groupby(["dimension", "group"], sort=False):
        by_level = {
            part.at[i, column]: Row(part.loc[i], table.reasons.loc[i], notes) for i in part.index
        }
        line = [escape(group_label(str(dimension), str(group)))]
        any_row = next(iter(by_level.values()))
        line += [fn(any_row) for _, fn in first]
        line += [cell(by_level[level]) if level in by_level else escape("") for level in levels]
        lines.append(line)
    header = ["Group", *[name for name, _ in first], *[str(level) for level in levels]]
    return View(key, title, period, header, lines, notes.notes(), caption)
