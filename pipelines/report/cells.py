"""Cells of the printed tables: numbers formatted for readers, blank (suppressed) cells marked
with a footnote letter that says why.

Counts print as whole numbers; every other number prints with a decimal point or a percent sign,
so that a bare whole number on a page is always a count (the small-cell tests rely on it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from markupsafe import Markup, escape

from pipelines.access.protect import WITH_COUNT_REASON
from pipelines.report.protection import LINK_REASON, SUM_REASON, TEST_REASON, without_reason
from pipelines.suppression import COMPLEMENT_REASON, RATE_REASON, primary_reason

NOT_AVAILABLE = "n/a"


def reason_texts(k: int) -> list[str]:
    """Known reasons in footnote order: their letters are the same in every table."""
    return [
        primary_reason(k),
        COMPLEMENT_REASON,
        without_reason(k),
        SUM_REASON,
        RATE_REASON,
        WITH_COUNT_REASON,
        LINK_REASON,
        TEST_REASON,
    ]


@dataclass
class Footnotes:
    """Letters for the reasons cells are blank, collected while a table is laid out."""

    k: int
    used: dict[str, str] = field(default_factory=dict)

    def letter(self, reason: str) -> str:
        known = reason_texts(self.k)
        if reason in known:
            return "abcdefghij"[known.index(reason)]
        extra = [r for r in self.used if r not in known]
        if reason not in extra:
            extra.append(reason)
        return "klmnopqrstuvwxyz"[extra.index(reason)]

    def mark(self, reasons: Iterable[str]) -> Markup:
        letters = sorted({self.letter(r) for r in reasons if r})
        for reason in reasons:
            if reason:
                self.used.setdefault(reason, self.letter(reason))
        return Markup('<span class="hidden">—<sup>{}</sup></span>').format(",".join(letters))

    def notes(self) -> list[str]:
        ordered = sorted(self.used.items(), key=lambda item: item[1])
        return [f"{letter}: {reason}" for reason, letter in ordered]


def missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def count(value: object) -> str:
    return NOT_AVAILABLE if missing(value) else f"{int(value):,}"


def percent(value: object) -> str:
    return NOT_AVAILABLE if missing(value) else f"{100 * float(value):.1f}%"


def interval(lower: object, upper: object) -> str:
    if missing(lower) or missing(upper):
        return ""
    return f"{100 * float(lower):.1f}–{100 * float(upper):.1f}"


def decimal(value: object, places: int = 1) -> str:
    return NOT_AVAILABLE if missing(value) else f"{float(value):.{places}f}"


def p_value(value: object) -> str:
    if missing(value):
        return NOT_AVAILABLE
    return "<0.001" if float(value) < 0.001 else f"{float(value):.3f}"


class Row:
    """One protected row: formats its cells, or marks them when a column they use is hidden."""

    def __init__(self, data: pd.Series, reasons: pd.Series, notes: Footnotes) -> None:
        self.data, self.reasons, self.notes = data, reasons, notes

    def _blank(self, *columns: str) -> Markup | None:
        why = [self.reasons.get(c, "") for c in columns]
        return self.notes.mark(why) if any(why) else None

    def text(self, column: str) -> Markup:
        return escape(str(self.data[column]))

    def count(self, column: str) -> Markup:
        return self._blank(column) or escape(count(self.data[column]))

    def percent(self, column: str, ci: bool = True) -> Markup:
        blank = self._blank(column)
        if blank:
            return blank
        text = percent(self.data[column])
        bounds = interval(self.data.get(f"{column}_lower"), self.data.get(f"{column}_upper"))
        return escape(f"{text} ({bounds})" if ci and bounds else text)

    def share(self, rate: str, numerator: str, denominator: str) -> Markup:
        """'63.3% (359/567)': the rate with its numerator and denominator."""
        blank = self._blank(rate, numerator, denominator)
        if blank:
            return blank
        if missing(self.data[rate]):
            return escape(NOT_AVAILABLE)
        parts = (
            percent(self.data[rate]),
            count(self.data[numerator]),
            count(self.data[denominator]),
        )
        return escape("{} ({}/{})".format(*parts))

    def decimal(self, column: str, places: int = 1) -> Markup:
        return self._blank(column) or escape(decimal(self.data[column], places))

    def spread(self, low: str, high: str) -> Markup:
        blank = self._blank(low, high)
        if blank:
            return blank
        if missing(self.data[low]):
            return escape(NOT_AVAILABLE)
        return escape(f"{decimal(self.data[low])}–{decimal(self.data[high])}")

    def p_value(self, column: str) -> Markup:
        return self._blank(column) or escape(p_value(self.data[column]))
