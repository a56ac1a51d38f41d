"""Small-cell protection of a metric table, as funders see it (pipelines.suppression does the
cell-level work; this module knows which columns of each table are counts and how they add up).

A `Spec` names a table's counts: rates (numerator / denominator, with the columns computed from
them), parts that add up to a total over the table's keys, parts that add up within a row, plain
counts, and statistics that describe a count's clients (a median of 3 clients is hidden with the
3). Complementary suppression runs within each of these structures; when the table is grouped,
the ungrouped table is added as a total row first, so a group cannot be recovered as the
difference between the total and the other groups. A last pass hides any count column value
from 1 to k-1 that a spec missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.suppression import (
    RATE_REASON,
    count_reasons,
    is_small,
    primary_reason,
    rate_reasons,
)

TOTAL = "\x00total"  # group_value of the total rows added for suppression, dropped afterwards
WITH_COUNT_REASON = "hidden because the count it describes is hidden"


@dataclass(frozen=True)
class Rate:
    numerator: str
    denominator: str
    derived: tuple[str, ...] = ()  # columns computed from the two, hidden with them


@dataclass(frozen=True)
class Spec:
    """Which columns of a metric table are counts, and how they add up."""

    keys: tuple[str, ...] = ()  # columns besides group_value that identify a row
    rates: tuple[Rate, ...] = ()
    parts: tuple[tuple[str, str], ...] = ()  # (part, total): parts over `keys` sum to total
    row_parts: tuple[tuple[tuple[str, ...], str], ...] = ()  # (parts, total) within a row
    counts: tuple[str, ...] = ()
    stats: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (count, columns describing it)
    total_key: tuple[str, str] | None = None  # (column, value) of a row totalling its group
    drop: tuple[str, ...] = ()  # columns never shown in a protected table


def is_count_column(name: object) -> bool:
    return isinstance(name, str) and (name.startswith("n_") or name.startswith("n: "))


class _Work:
    """The table being protected, with what every pass needs computed once: counts as int64
    arrays, row blocks by key, and the reasons as one object array per column ("" = shown).

    Per-block pandas work (converting counts, writing reasons with .loc) cost more than the
    suppression itself on the quarterly tables (docs/performance.md)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.columns = list(frame.columns)
        self.groups = frame["group_value"].to_numpy(dtype=object)
        self.reasons = {c: np.full(len(frame), "", dtype=object) for c in self.columns}
        self._counts: dict[str, np.ndarray] = {}
        self._blocks: dict[tuple[str, ...], list[np.ndarray]] = {}

    def counts(self, column: str) -> np.ndarray:
        if column not in self._counts:
            values = pd.to_numeric(self.frame[column], errors="coerce").fillna(0)
            self._counts[column] = values.to_numpy().astype("int64")
        return self._counts[column]

    def blocks(self, by: tuple[str, ...]) -> list[np.ndarray]:
        if by not in self._blocks:
            if not by:
                found = [np.arange(len(self.frame))]
            else:
                grouped = self.frame.groupby(list(by), sort=False, dropna=False)
                found = list(grouped.indices.values())
            self._blocks[by] = found
        return self._blocks[by]

    def mark(self, found: dict[str, np.ndarray], rows: np.ndarray, columns: list[str]) -> None:
        """Record the reasons `found` gives for `rows`, keeping any reason already there."""
        for column in columns:
            old, new = self.reasons[column][rows], found[column]
            self.reasons[column][rows] = np.where((old == "") & (new != ""), new, old)


# The passes call the rules of pipelines.suppression on arrays (count_reasons, rate_reasons):
# building a small frame per block for suppress_counts / suppress_rates, and the result frames
# they return, cost more than the rules on the quarterly tables (docs/performance.md). The
# fallbacks are theirs: a block that does not add up to its total row, or whose group labels
# repeat, is protected row by row with no total.


def _total_row(labels: np.ndarray) -> int | None:
    """Position of the total row among a block's labels; None without one or when labels repeat
    (suppress_rates / suppress_counts refuse a table whose labels are not unique)."""
    if len(set(labels.tolist())) != len(labels):
        return None
    found = np.flatnonzero(labels == TOTAL)
    return int(found[0]) if found.size else None


def _rates(work: _Work, spec: Spec, k: int) -> None:
    for rate in spec.rates:
        columns = [rate.numerator, rate.denominator]
        for rows in work.blocks(spec.keys):
            d = work.counts(rate.denominator)[rows]
            n = np.minimum(work.counts(rate.numerator)[rows], d)
            if (n < 0).any():
                raise ValueError("counts must be non-negative whole numbers")
            total = _total_row(work.groups[rows])
            try:
                found = rate_reasons(n, d, k=k, total_row=total)
            except ValueError:  # not additive across groups: protect each row on its own
                found = rate_reasons(n, d, k=k)
            work.mark(dict(zip(columns, found, strict=True)), rows, columns)


def _parts(work: _Work, spec: Spec, k: int) -> None:
    for part, total_column in spec.parts:
        for rows in work.blocks(("group_value",)):
            if spec.total_key is not None:
                column, value = spec.total_key
                is_total = work.frame[column].to_numpy(dtype=object)[rows] == value
                values = work.counts(part)[rows]
            else:
                total = work.counts(total_column)[rows[0]]
                values = np.r_[work.counts(part)[rows], total]
                is_total = np.r_[np.zeros(len(rows), bool), True]
            if is_total.sum() > 1:
                raise ValueError("the table's row labels (index) must be unique")
            if (values < 0).any():
                raise ValueError("counts must be non-negative whole numbers")
            total_row = int(np.flatnonzero(is_total)[0]) if is_total.any() else None
            try:
                found = count_reasons(values, k=k, total_row=total_row)
            except ValueError:
                found = count_reasons(values, k=k)
            work.mark({part: found[: len(rows), 0]}, rows, [part])


def _row_parts(work: _Work, spec: Spec, k: int) -> None:
    for parts, total_column in spec.row_parts:
        columns = [*parts, total_column]
        for rows in work.blocks(spec.keys):
            counts = np.column_stack([work.counts(c)[rows] for c in parts])
            totals = work.counts(total_column)[rows]
            if (counts < 0).any() or (totals < 0).any():
                raise ValueError("counts must be non-negative whole numbers")
            labels = work.groups[rows]
            try:
                if len(set(labels.tolist())) != len(labels):
                    raise ValueError("the table's row labels (index) must be unique")
                found = count_reasons(counts, k=k, row_totals=totals, total_row=_total_row(labels))
            except ValueError:
                found = count_reasons(np.column_stack([counts, totals]), k=k)
            work.mark(dict(zip(columns, found.T, strict=True)), rows, columns)


def _follow(work: _Work, spec: Spec, k: int) -> None:
    """Primary rule on every count column, then rates and statistics follow their counts."""
    reasons = work.reasons
    for column in [c for c in work.columns if is_count_column(c) or c in spec.counts]:
        # Not work.counts: a count column may hold fractions (expected events), and 10.5 is not
        # below 11 once truncated to 10.
        values = pd.to_numeric(work.frame[column], errors="coerce").fillna(0).to_numpy()
        small = np.asarray(is_small(values, k)) & (reasons[column] == "")
        reasons[column][small] = primary_reason(k)
    hidden = {c: reasons[c] != "" for c in work.columns}
    for rate in spec.rates:
        gone = hidden[rate.numerator] | hidden[rate.denominator]
        for column in rate.derived:
            if column in reasons:
                reasons[column][gone & ~hidden[column]] = RATE_REASON
    for count, columns in spec.stats:
        for column in columns:
            if column in reasons:
                reasons[column][hidden[count] & (reasons[column] == "")] = WITH_COUNT_REASON


def protect(
    frame: pd.DataFrame, spec: Spec, k: int, total: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with small cells blank (NA), and the reason for each blank cell ("" if shown).

    `total` is the same metric without grouping (one row per key), given when `frame` is grouped.
    """
    frame = frame.drop(columns=[c for c in spec.drop if c in frame.columns])
    if "group_value" not in frame.columns:
        frame = frame.assign(group_value="All")
    work = frame
    if total is not None and len(total):
        total = total.drop(columns=[c for c in spec.drop if c in total.columns])
        work = pd.concat([frame, total.assign(group_value=TOTAL)], ignore_index=True)
    work = work.reset_index(drop=True)
    state = _Work(work)
    _rates(state, spec, k)
    _parts(state, spec, k)
    _row_parts(state, spec, k)
    _follow(state, spec, k)
    reasons = pd.DataFrame(state.reasons, index=work.index, columns=work.columns, dtype=object)
    keep = (work["group_value"] != TOTAL).to_numpy()
    values, reasons = work[keep].reset_index(drop=True), reasons[keep].reset_index(drop=True)
    for column in values.columns:
        hidden = (reasons[column] != "").to_numpy()
        if not hidden.any():
            continue
        if is_count_column(column) or column in spec.counts:
            values[column] = pd.array(pd.to_numeric(values[column]), dtype="Int64").copy()
        elif pd.api.types.is_bool_dtype(values[column]):
            values[column] = values[column].astype("boolean")
        elif pd.api.types.is_numeric_dtype(values[column]):
            values[column] = values[column].astype("Float64")
        else:
            values[column] = values[column].astype(object)
        values.loc[hidden, column] = pd.NA
    return values, reasons
