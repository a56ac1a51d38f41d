"""Small-cell suppression for published tables (DOMAIN.md, "Privacy").

Rules, with k the smallest count that may be shown (CMS: k = 11):
1. Primary: a count from 1 to k-1 is hidden, totals included; 0 is shown.
2. Complementary: where a shown total would let a hidden cell be recalculated, another cell is
   hidden too. First the local rule: a row, column or line of totals with exactly one hidden
   member hides a second, non-zero member: one whose crossing line also has a lone hidden cell if
   possible (so one cell settles both), otherwise the smallest. Then a global check: a hidden cell
   can still be pinned down by combining several lines (a "bridge" between two blocks of hidden
   cells), so each is tested against all the table's sums (null space of the equations over the
   hidden cells) and more cells are hidden until none is determined. Complementary cells are never
   0, so every hidden cell can move in both directions.
3. Rates: a rate is hidden when its numerator or denominator is hidden; by default the count
   without the outcome (denominator − numerator) is protected like any count, since 97 of 100
   completing tells the reader that 3 did not.

Every hidden cell carries a reason, for the page to say why it is blank.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pipelines.complementary import Grid, complementary

DEFAULT_K = 11
COMPLEMENT_REASON = "hidden so that a hidden cell cannot be recalculated from the totals"
RATE_REASON = "rate hidden because its numerator or denominator is hidden"


def primary_reason(k: int) -> str:
    return f"count below {k}"


def is_small(n: ArrayLike, k: int) -> bool | np.ndarray:
    """True for counts from 1 to k-1, the ones that must not be shown (0 may be shown)."""
    values = np.asarray(n)
    small = (values >= 1) & (values <= k - 1)
    return bool(small) if small.ndim == 0 else small


@dataclass(frozen=True)
class Suppressed:
    """A table after suppression: `values` with hidden cells as NA, `reasons` ("" when shown)."""

    values: pd.DataFrame
    reasons: pd.DataFrame
    k: int

    @property
    def hidden(self) -> pd.DataFrame:
        return self.reasons != ""


def _check_k(k: object) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, got {k!r}")


def _check_counts(frame: pd.DataFrame, columns: Sequence[Hashable]) -> np.ndarray:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"columns not in the table: {missing}")
    values = np.column_stack(
        [frame[c].to_numpy(dtype=float, na_value=np.nan) for c in columns]
    ).reshape(len(frame), len(columns))
    if np.isnan(values).any():
        raise ValueError("counts must not be missing")
    if (values < 0).any() or (values != np.round(values)).any():
        raise ValueError("counts must be non-negative whole numbers")
    return values.astype(np.int64)


def _suppress(
    table: pd.DataFrame,
    *,
    k: int,
    count_columns: Sequence[Hashable],
    row_total: Hashable | None,
    total_row_label: Hashable | None,
    exempt_columns: Sequence[Hashable] = (),
) -> np.ndarray:
    """Reasons ("" when shown) for every cell of the table; non-count columns stay ""."""
    _check_k(k)
    if not table.index.is_unique:
        raise ValueError("the table's row labels (index) must be unique")
    count_columns = list(count_columns)
    if not count_columns:
        raise ValueError("count_columns must name at least one column")
    counts = _check_counts(table, count_columns)
    total_row = _total_position(table, total_row_label)
    totals = None
    if row_total is not None:
        totals = _check_counts(table, [row_total])[:, 0]
        if not np.array_equal(totals, counts.sum(axis=1)):
            raise ValueError(f"{row_total!r} is not the sum of {count_columns}; add the missing")
    exempt = [count_columns.index(c) for c in exempt_columns]
    found = count_reasons(counts, k=k, row_totals=totals, total_row=total_row, exempt=exempt)
    out = np.full(table.shape, "", dtype=object)
    placed = [*count_columns, row_total] if row_total is not None else count_columns
    for j, column in enumerate(placed):
        out[:, table.columns.get_loc(column)] = found[:, j]
    return out


def _total_position(table: pd.DataFrame, total_row_label: Hashable | None) -> int | None:
    if total_row_label is None:
        return None
    if total_row_label not in table.index:
        raise ValueError(f"total row {total_row_label!r} is not in the table's index")
    return int(np.flatnonzero(np.asarray(table.index == total_row_label))[0])


def count_reasons(
    counts: np.ndarray,
    *,
    k: int,
    row_totals: np.ndarray | None = None,
    total_row: int | None = None,
    exempt: Sequence[int] = (),
) -> np.ndarray:
    """The rules alone, on arrays: `counts` (rows x count columns, whole numbers), each row's
    total (`row_totals`, one more column in the result) and the position of a row of column
    totals. suppress_counts checks a table and lays the reasons back onto it; suppress_rates
    calls it directly rather than building a second table (it runs for every block of every
    protected table, pipelines.access.protect)."""
    _check_k(k)
    counts = np.asarray(counts, dtype=np.int64)
    if counts.ndim == 1:
        counts = counts.reshape(-1, 1)
    inner_rows = np.ones(len(counts), dtype=bool)
    if total_row is not None:
        inner_rows[total_row] = False
        # A total that is not the sum hides an unseen category that could itself be small.
        if not np.array_equal(counts[~inner_rows][0], counts[inner_rows].sum(axis=0)):
            raise ValueError("the total row is not the sum of the other rows; add the missing row")
    if row_totals is not None and not np.array_equal(row_totals, counts.sum(axis=1)):
        raise ValueError("the row total is not the sum of the count columns; add the missing")

    grid = Grid(counts[inner_rows], row_totals is not None, total_row is not None)
    primary = np.asarray(is_small(grid.values, k))
    for j in exempt:
        primary[grid.inner_index[:, j]] = False
        if grid.col_total_index is not None:
            primary[grid.col_total_index[j]] = False
    reasons = np.full(grid.values.shape, "", dtype=object)
    reasons[primary] = primary_reason(k)
    reasons[complementary(grid, primary)] = COMPLEMENT_REASON

    # Lay the variables back onto the rows: count columns, then the row-total column.
    layout = np.full((len(counts), counts.shape[1] + 1), -1)
    layout[inner_rows, :-1] = grid.inner_index
    if grid.row_total_index is not None:
        layout[inner_rows, -1] = grid.row_total_index
    if grid.col_total_index is not None:
        layout[~inner_rows, :-1] = grid.col_total_index
    if grid.grand_index is not None:
        layout[~inner_rows, -1] = grid.grand_index
    width = counts.shape[1] + (1 if row_totals is not None else 0)
    return reasons[layout[:, :width]]


def _result(
    table: pd.DataFrame, reasons: np.ndarray, count_columns: Sequence[Hashable], k: int
) -> Suppressed:
    """Blank the hidden cells: count columns become nullable integers with <NA>."""
    values = table.copy()
    for column in count_columns:
        j = table.columns.get_loc(column)
        counts = table[column].to_numpy(dtype=np.int64)
        values[column] = pd.arrays.IntegerArray(counts, reasons[:, j] != "")
    frame = pd.DataFrame(reasons, index=table.index, columns=table.columns)
    return Suppressed(values=values, reasons=frame, k=k)


def suppress_counts(
    table: pd.DataFrame,
    *,
    k: int,
    count_columns: Sequence[Hashable],
    row_total: Hashable | None = None,
    total_row_label: Hashable | None = None,
) -> Suppressed:
    """Hide counts from 1 to k-1 and the complementary cells that totals would give away.

    `count_columns` hold the inner cells; `row_total` names a column holding each row's total
    (shown), `total_row_label` the index label of a row of column totals (with the grand total in
    `row_total`). Totals must equal the sums. Other columns pass through unchanged; the count
    columns come back as nullable integers with hidden cells as <NA>.
    """
    reasons = _suppress(
        table,
        k=k,
        count_columns=count_columns,
        row_total=row_total,
        total_row_label=total_row_label,
    )
    shown = list(count_columns) + ([row_total] if row_total is not None else [])
    return _result(table, reasons, shown, k)


def suppress_long(
    table: pd.DataFrame,
    *,
    k: int,
    group_column: Hashable,
    count_column: Hashable,
    total_label: Hashable | None = None,
) -> Suppressed:
    """One-way table in long form (one row per group, optionally a total row): suppress counts.

    `total_label` is the value of `group_column` on the total row, if the table shows one; with
    a total, hiding one group hides a second so that it cannot be recalculated.
    """
    if not table[group_column].is_unique:
        raise ValueError(f"{group_column!r} must name each group once")
    keyed = table.set_index(group_column, drop=False)
    result = suppress_counts(keyed, k=k, count_columns=[count_column], total_row_label=total_label)
    values, reasons = result.values, result.reasons
    values.index = reasons.index = table.index
    return Suppressed(values=values, reasons=reasons, k=k)


def suppress_rates(
    table: pd.DataFrame,
    *,
    k: int,
    numerator: Hashable,
    denominator: Hashable,
    rate: Hashable | None = None,
    total_row_label: Hashable | None = None,
    protect_complement: bool = True,
) -> Suppressed:
    """Suppress a numerator / denominator / rate table (one row per group, optional total row).

    Numerators and denominators are counts under the usual rules, with the count without the
    outcome (denominator − numerator) as a third, unshown count: when `protect_complement`, it is
    also kept out of 1..k-1 (CMS: nothing from which a small count can be recalculated). The rate
    is hidden whenever its numerator or denominator is.
    """
    counts = _check_counts(table, [numerator, denominator])
    if (counts[:, 0] > counts[:, 1]).any():
        raise ValueError("a numerator exceeds its denominator")
    _check_k(k)
    if not table.index.is_unique:
        raise ValueError("the table's row labels (index) must be unique")
    found = rate_reasons(
        counts[:, 0],
        counts[:, 1],
        k=k,
        total_row=_total_position(table, total_row_label),
        protect_complement=protect_complement,
    )
    reasons = np.full(table.shape, "", dtype=object)
    n_col, d_col = table.columns.get_loc(numerator), table.columns.get_loc(denominator)
    reasons[:, n_col], reasons[:, d_col] = found
    if rate is not None:
        gone = (reasons[:, n_col] != "") | (reasons[:, d_col] != "")
        reasons[gone, table.columns.get_loc(rate)] = RATE_REASON
    result = _result(table, reasons, [numerator, denominator], k)
    if rate is not None:
        result.values[rate] = table[rate].astype("Float64").mask(gone)
    return result


def rate_reasons(
    numerators: np.ndarray,
    denominators: np.ndarray,
    *,
    k: int,
    total_row: int | None = None,
    protect_complement: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """The reasons of `suppress_rates` for the numerator and denominator columns, on arrays
    (`total_row`: the position of the row of totals, if any)."""
    n = np.asarray(numerators, dtype=np.int64)
    d = np.asarray(denominators, dtype=np.int64)
    if (n > d).any():
        raise ValueError("a numerator exceeds its denominator")
    found = count_reasons(
        np.column_stack([n, d - n]),
        k=k,
        row_totals=d,
        total_row=total_row,
        exempt=() if protect_complement else (1,),
    )
    n_reasons = found[:, 0].copy()
    # Name the real cause when the numerator was hidden to protect a small "without" count.
    own = (found[:, 1] == primary_reason(k)) & (found[:, 0] == COMPLEMENT_REASON)
    n_reasons[own] = (
        f"hidden because the count without the outcome (denominator − numerator) is below {k}"
    )
    return n_reasons, found[:, 2]
