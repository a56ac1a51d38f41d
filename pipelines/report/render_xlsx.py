"""The report's tables as an Excel workbook: a README sheet (period, filters, cut-off, what each
table counts, suppression, definitions) and one sheet per table, numbers as numbers.

Blank cells are suppressed; each carries a comment with the reason. A text cell a spreadsheet
would run as a formula (starting with =, +, -, @) gets a leading apostrophe.
"""

from __future__ import annotations

import io
import re

import numpy as np
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pipelines.export import neutralize
from pipelines.report.cells import missing
from pipelines.report.model import Report, Sheet, group_label

DROP = {"dimension", "timepoint_order", "outcome_order", "target_rate", "kind", "minimum_rule"}
LABELS = {
    "group": "group",
    "n_value": "n",
    "n_numerator": "n_numerator",
    "n_denominator": "n_denominator",
}
HEADER_FILL = PatternFill("solid", fgColor="E8EEF4")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13, color="1F3D5A")


def _cell_value(value: object) -> object:
    """A value openpyxl can store: None for NA, plain Python numbers, inert text."""
    if missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return neutralize(str(value))


def _number_format(column: str) -> str | None:
    if column.startswith("n_"):
        return "#,##0"
    if re.search(r"(_rate|_lower|_upper|_value|rate_mean)$", column) or column == "rate":
        return "0.0%"
    if column.endswith("_days") or column.startswith("hours_"):
        return "0.0"
    if column.startswith("p_") or column == "statistic":
        return "0.000"
    return None


def _write_sheet(book: Workbook, sheet: Sheet, stamp: list[str]) -> None:
    ws = book.create_sheet(sheet.key)
    data = sheet.data.copy()
    if "dimension" in data.columns:
        data["group"] = [
            group_label(d, g) for d, g in zip(data["dimension"], data["group"], strict=True)
        ]
    columns = [c for c in data.columns if c not in DROP]
    ws.append([neutralize(sheet.title)])
    ws["A1"].font = TITLE
    ws.append([neutralize(f"For the quarter: {sheet.period}")])
    for line in stamp[1:5]:
        ws.append([neutralize(line)])
    ws.append([])
    ws.append([neutralize(LABELS.get(c, c)) for c in columns])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    reasons_seen: dict[str, None] = {}
    for index in data.index:
        ws.append([_cell_value(data.at[index, c]) for c in columns])
        row = ws.max_row
        for j, column in enumerate(columns, start=1):
            cell = ws.cell(row=row, column=j)
            number_format = _number_format(column)
            if number_format and cell.value is not None and not isinstance(cell.value, str):
                cell.number_format = number_format
            reason = sheet.reasons.at[index, column] if column in sheet.reasons else ""
            if reason:
                cell.value = None
                cell.comment = Comment(reason, "suppression")
                reasons_seen[reason] = None
    ws.append([])
    if reasons_seen:
        ws.append([neutralize("Blank cells are suppressed: " + "; ".join(reasons_seen) + ".")])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    for j, column in enumerate(columns, start=1):
        width = max(10, min(40, len(LABELS.get(column, column)) + 2))
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.column_dimensions["A"].width = 30


def _readme(book: Workbook, report: Report) -> None:
    ws = book.active
    ws.title = "README"
    ws.append([neutralize(report.program_name)])
    ws.append([neutralize(report.title)])
    ws["A2"].font = TITLE
    for line in report.stamp_lines()[1:]:
        ws.append([neutralize(line)])
    ws.append([])
    ws.append(["sheet", "table", "for the quarter"])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for sheet in report.sheets:
        ws.append([neutralize(sheet.key), neutralize(sheet.title), neutralize(sheet.period)])
    ws.append([])
    ws.append(["Columns: n_ = a count; _rate = a share, shown as a percentage; _lower and "
               "_upper = its 95% interval; _days = days."])  # fmt: skip
    ws.append([])
    ws.append(["definition", "text (docs/metrics.md)"])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for name, html in report.definitions:
        text = re.sub(r"<li>", "• ", str(html))
        text = re.sub(r"</li>", "\n", text)
        text = re.sub(r"<[^>]+>", "", text).replace("&lt;", "<").replace("&gt;", ">")
        text = text.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')
        ws.append([neutralize(name), neutralize(text.strip())])
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 90


def xlsx_bytes(report: Report) -> bytes:
    """The workbook: README first, then one sheet per table."""
    book = Workbook()
    _readme(book, report)
    for sheet in report.sheets:
        _write_sheet(book, sheet, report.stamp_lines())
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
