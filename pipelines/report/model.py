"""What a rendered report holds: sections of printed tables and charts, the protected tables
behind them (for the workbook), and what every page prints (program, period, filters, cut-off)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from pipelines.report.period import Period
from pipelines.report.protection import PROGRAM, Protected


@dataclass(frozen=True)
class View:
    """A table as printed: header, rows of formatted cells, footnotes for blank cells."""

    key: str
    title: str
    period: str
    header: list[str]
    rows: list[list[Markup]]
    notes: list[str]
    caption: str = ""


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    figure: go.Figure
    caption: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    views: list[View]
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class Sheet:
    """A protected table for the workbook: its data (hidden cells NA) and why cells are blank."""

    key: str
    title: str
    period: str
    data: pd.DataFrame
    reasons: pd.DataFrame

    @classmethod
    def of(cls, key: str, title: str, period: str, table: Protected) -> Sheet:
        return cls(key, title, period, table.data, table.reasons)


@dataclass(frozen=True)
class Report:
    program_name: str
    period: Period
    filters: str
    as_of: date
    generated_at: datetime
    k: int
    sections: list[Section]
    sheets: list[Sheet]
    definitions: list[tuple[str, Markup]]
    logo: Path | None = None

    @property
    def title(self) -> str:
        return f"Quarterly outcomes report, {self.period.quarter}"

    def stamp_lines(self) -> list[str]:
        """What every page and every sheet says about where its numbers come from."""
        return [
            f"{self.program_name}: {self.title}",
            f"Period: {self.period.describe()}",
            f"Filters: {self.filters}",
            f"Data cut-off: {self.as_of.isoformat()}",
            f"Generated: {self.generated_at:%Y-%m-%d %H:%M %Z}".strip(),
            f"Counts below {self.k}, other than zero, are not shown (small-cell suppression).",
        ]


def group_label(dimension: str, group: str) -> str:
    if dimension == "program":
        return PROGRAM
    return f"{dimension.replace('_', ' ').capitalize()}: {group}"
