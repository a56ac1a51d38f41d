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

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.suppression import (
    RATE_REASON,
    is_small,
    primary_reason,
    suppress_counts,
    suppress_rates,
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


def _blocks(frame: pd.DataFrame, by: list[str]) -> Iterator[pd.Index]:
    if not by:
        yield frame.index
        return
    for _, block in frame.groupby(by, sort=False, dropna=False):
        yield block.index


def _counts(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[columns].apply(pd.to_numeric, errors="coerce").fillna(0).astype("int64")


def _mark(reasons: pd.DataFrame, found: pd.DataFrame, rows: pd.Index, columns: list[str]) -> None:
    for column in columns:
        new = found[column].to_numpy()
        old = reasons.loc[rows, column].to_numpy()
        reasons.loc[rows, column] = np.where((old == "") & (new != ""), new, old)


def _rates(work: pd.DataFrame, reasons: pd.DataFrame, spec: Spec, k: int) -> None:
    for rate in spec.rates:
        columns = [rate.numerator, rate.denominator]
        for rows in _blocks(work, list(spec.keys)):
            block = _counts(work.loc[rows], columns).set_index(work.loc[rows, "group_value"])
            block[rate.numerator] = np.minimum(block[rate.numerator], block[rate.denominator])
            total = TOTAL if TOTAL in block.index else None
            try:
                found = suppress_rates(
                    block,
                    k=k,
                    numerator=rate.numerator,
                    denominator=rate.denominator,
                    total_row_label=total,
                ).reasons
            except ValueError:  # not additive across groups: protect each row on its own
                found = suppress_rates(
                    block.reset_index(drop=True),
                    k=k,
                    numerator=rate.numerator,
                    denominator=rate.denominator,
                ).reasons
            _mark(reasons, found.set_axis(rows), rows, columns)


def _parts(work: pd.DataFrame, reasons: pd.DataFrame, spec: Spec, k: int) -> None:
    for part, total_column in spec.parts:
        for rows in _blocks(work, ["group_value"]):
            block = work.loc[rows]
            if spec.total_key is not None:
                column, value = spec.total_key
                is_total = (block[column] == value).to_numpy()
                counts = _counts(block, [part])
            else:
                extra = block.iloc[[0]].assign(**{part: block[total_column].iloc[0]})
                counts = _counts(pd.concat([block, extra]), [part])
                is_total = np.r_[np.zeros(len(block), bool), True]
            counts.index = pd.Index([TOTAL if t else f"r{i}" for i, t in enumerate(is_total)])
            try:
                label = TOTAL if is_total.any() else None
                found = suppress_counts(counts, k=k, count_columns=[part], total_row_label=label)
            except ValueError:
                found = suppress_counts(counts, k=k, count_columns=[part])
            found = found.reasons.iloc[: len(block)] if spec.total_key is None else found.reasons
            _mark(reasons, found.set_axis(rows), rows, [part])


def _row_parts(work: pd.DataFrame, reasons: pd.DataFrame, spec: Spec, k: int) -> None:
    for parts, total_column in spec.row_parts:
        columns = [*parts, total_column]
        for rows in _blocks(work, list(spec.keys)):
            block = _counts(work.loc[rows], columns).set_index(work.loc[rows, "group_value"])
            total = TOTAL if TOTAL in block.index else None
            try:
                found = suppress_counts(
                    block,
                    k=k,
                    count_columns=list(parts),
                    row_total=total_column,
                    total_row_label=total,
                ).reasons
            except ValueError:
                found = suppress_counts(
                    block.reset_index(drop=True), k=k, count_columns=columns
                ).reasons
            _mark(reasons, found.set_axis(rows), rows, columns)


def _follow(reasons: pd.DataFrame, spec: Spec, work: pd.DataFrame, k: int) -> None:
    """Primary rule on every count column, then rates and statistics follow their counts."""
    for column in [c for c in work.columns if is_count_column(c) or c in spec.counts]:
        values = pd.to_numeric(work[column], errors="coerce").fillna(0).to_numpy()
        small = np.asarray(is_small(values, k)) & (reasons[column] == "").to_numpy()
        reasons.loc[small, column] = primary_reason(k)
    hidden = reasons != ""
    for rate in spec.rates:
        gone = hidden[rate.numerator] | hidden[rate.denominator]
        for column in rate.derived:
            if column in reasons:
                reasons.loc[gone & ~hidden[column], column] = RATE_REASON
    for count, columns in spec.stats:
        for column in columns:
            if column in reasons:
                reasons.loc[hidden[count] & (reasons[column] == ""), column] = WITH_COUNT_REASON


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
    reasons = pd.DataFrame("", index=work.index, columns=work.columns, dtype=object)
    _rates(work, reasons, spec, k)
    _parts(work, reasons, spec, k)
    _row_parts(work, reasons, spec, k)
    _follow(reasons, spec, work, k)
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
