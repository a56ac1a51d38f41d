"""Small-cell suppression: hand-worked masks, and a property test that no hidden cell can be
recalculated from what is shown (each hidden cell's range under the table's sums, by LP)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from pipelines.suppression import (
    COMPLEMENT_REASON,
    RATE_REASON,
    is_small,
    suppress_counts,
    suppress_long,
    suppress_rates,
)


def with_margins(inner: pd.DataFrame, *, row_total: bool, total_row: bool) -> pd.DataFrame:
    table = inner.copy()
    if row_total:
        table["total"] = table.sum(axis=1)
    if total_row:
        table = pd.concat([table, table.sum().to_frame("all").T])
    return table


def hidden_cells(result) -> set[tuple[object, object]]:
    mask = result.hidden
    return {(r, c) for r in mask.index for c in mask.columns if mask.loc[r, c]}


# --- Hand-worked ------------------------------------------------------------------------------


def test_is_small() -> None:
    assert [is_small(n, 11) for n in (0, 1, 10, 11, 250)] == [False, True, True, False, False]
    assert is_small(np.array([0, 4, 5]), 5).tolist() == [False, True, False]
    assert not is_small(3, 1)  # k = 1: nothing is small


def test_one_way_with_total_hides_a_second_group() -> None:
    # evening 7 < 11 is hidden; with the total 62 shown, 62 - 25 - 30 would give it back, so the
    # smaller of the other groups (morning 25) is hidden too.
    table = pd.DataFrame(
        {"track": ["morning", "evening", "weekend", "total"], "n": [25, 7, 30, 62]}
    )
    result = suppress_long(table, k=11, group_column="track", count_column="n", total_label="total")
    assert result.values["n"].isna().tolist() == [True, True, False, False]
    assert result.reasons["n"].tolist() == [COMPLEMENT_REASON, "count below 11", "", ""]
    assert result.values["track"].tolist() == table["track"].tolist()
    assert result.values.index.equals(table.index)


def test_one_way_without_total_hides_only_small() -> None:
    table = pd.DataFrame({"track": ["morning", "evening"], "n": [25, 7]})
    result = suppress_long(table, k=11, group_column="track", count_column="n")
    assert result.values["n"].isna().tolist() == [False, True]


def test_zero_is_shown_and_small_total_is_hidden() -> None:
    shown = pd.DataFrame({"g": ["a", "b", "c", "all"], "n": [0, 15, 20, 35]})
    result = suppress_long(shown, k=11, group_column="g", count_column="n", total_label="all")
    assert not result.hidden.any().any()
    # 4 + 3 + 0 = 7: both groups and the total are small; the 0 stays visible.
    small = pd.DataFrame({"g": ["a", "b", "c", "all"], "n": [4, 3, 0, 7]})
    result = suppress_long(small, k=11, group_column="g", count_column="n", total_label="all")
    assert result.values["n"].isna().tolist() == [True, True, False, True]


def test_two_way_complements_close_a_rectangle() -> None:
    # Primary: b/completed (3) and c/dropped (4). Row b then has one hidden cell: its candidates
    # are dropped 15 (whose column already has a hidden cell, so it settles that column too),
    # other 30 and the total 48 -> dropped. Row c likewise takes completed 25. Rows b, c and
    # columns completed, dropped each hold two hidden cells; the rectangle can shift by ±1.
    inner = pd.DataFrame(
        {"completed": [40, 3, 25], "dropped": [12, 15, 4], "other": [20, 30, 18]},
        index=["a", "b", "c"],
    )
    table = with_margins(inner, row_total=True, total_row=True)
    result = suppress_counts(
        table,
        k=11,
        count_columns=["completed", "dropped", "other"],
        row_total="total",
        total_row_label="all",
    )
    assert hidden_cells(result) == {
        ("b", "completed"), ("b", "dropped"), ("c", "completed"), ("c", "dropped"),
    }  # fmt: skip
    assert result.reasons.loc["b", "completed"] == "count below 11"
    assert result.reasons.loc["b", "dropped"] == COMPLEMENT_REASON
    assert str(result.values["completed"].dtype) == "Int64"
    assert result.values.loc["all", "total"] == 167


def test_bridge_between_two_groups_of_hidden_cells_is_caught() -> None:
    # Primary cells form two rectangles (w,x × A,B and y,z × C,D) joined by x/C = 2. Every row and
    # column holds 0 or at least 2 hidden cells, so the one-line rule is satisfied, yet x/C is
    # pinned: (rows w + x hidden sum) − (columns A + B hidden sum) = x/C, i.e.
    # (137 + 113 − 230 shown in w, x) − (158 + 160 − 300 shown in A, B) = 20 − 18 = 2.
    # The global check hides w/C (50): it shares column C with x/C and closes the cycle
    # x/C → w/C → w/A → x/A.
    inner = pd.DataFrame(
        [[3, 4, 50, 60, 20], [5, 6, 2, 70, 30], [80, 90, 4, 5, 40], [70, 60, 6, 7, 50]],
        columns=list("ABCDE"),
        index=list("wxyz"),
    )
    table = with_margins(inner, row_total=True, total_row=True)
    result = suppress_counts(
        table, k=11, count_columns=list("ABCDE"), row_total="total", total_row_label="all"
    )
    expected = {(r, c) for r in "wx" for c in "ABC"} | {(r, c) for r in "yz" for c in "CD"}
    assert hidden_cells(result) == expected
    assert result.reasons.loc["w", "C"] == COMPLEMENT_REASON
    assert_no_cell_recalculable(table, result, row_total="total", total_row="all")


def test_rates_hide_rate_with_its_counts() -> None:
    table = pd.DataFrame({"g": ["a", "b", "c", "d"], "n": [5, 0, 97, 30], "d": [50, 8, 100, 60]})
    table["rate"] = table["n"] / table["d"]
    result = suppress_rates(table, k=11, numerator="n", denominator="d", rate="rate")
    # a: 5 is small. b: 0 is shown but the denominator 8 is small. c: 97 of 100 gives away the
    # 3 without the outcome. d: 30 of 60 is shown.
    assert result.values["n"].isna().tolist() == [True, False, True, False]
    assert result.values["d"].isna().tolist() == [False, True, False, False]
    assert result.values["rate"].isna().tolist() == [True, True, True, False]
    assert result.reasons.loc[2, "n"].startswith("hidden because the count without the outcome")
    assert result.reasons.loc[1, "rate"] == RATE_REASON
    assert result.values.loc[3, "rate"] == 0.5
    relaxed = suppress_rates(
        table, k=11, numerator="n", denominator="d", rate="rate", protect_complement=False
    )
    assert relaxed.values["n"].isna().tolist() == [True, False, False, False]


def test_rates_with_total_row() -> None:
    # a's numerator 6 is hidden; the total 96 would give it back, so b's (40) goes too; the
    # denominators stay visible because the hidden "without" counts (44, 20) absorb the change.
    table = pd.DataFrame({"n": [6, 40, 50, 96], "d": [50, 60, 70, 180]}, index=["a", "b", "c", "t"])
    result = suppress_rates(table, k=11, numerator="n", denominator="d", total_row_label="t")
    assert result.values["n"].isna().tolist() == [True, True, False, False]
    assert not result.values["d"].isna().any()


@pytest.mark.parametrize(
    ("counts", "kwargs", "message"),
    [
        ({"x": [1, 2], "t": [3, 4]}, {"row_total": "t"}, "not the sum"),
        ({"x": [1, -2]}, {}, "non-negative"),
        ({"x": [1.5, 2]}, {}, "whole numbers"),
        ({"x": [1, None]}, {}, "missing"),
        ({"x": [1, 2]}, {"total_row_label": "nope"}, "not in the table"),
    ],
)
def test_bad_tables_are_refused(counts, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        suppress_counts(pd.DataFrame(counts), k=11, count_columns=["x"], **kwargs)


def test_bad_k_and_index() -> None:
    table = pd.DataFrame({"x": [1, 2]})
    with pytest.raises(ValueError, match="k must be"):
        suppress_counts(table, k=0, count_columns=["x"])
    with pytest.raises(ValueError, match="unique"):
        suppress_counts(table.set_axis(["a", "a"]), k=11, count_columns=["x"])
    with pytest.raises(ValueError, match="total row is not the sum"):
        suppress_counts(
            pd.DataFrame({"x": [20, 30, 60]}, index=["a", "b", "t"]),
            k=11,
            count_columns=["x"],
            total_row_label="t",
        )


# --- Property: nothing hidden can be recalculated ----------------------------------------------


def _sum_constraints(table: pd.DataFrame, row_total, total_row) -> np.ndarray:
    """The table's sums as rows of coefficients over its cells (flattened), each adding to 0."""
    n_rows, n_cols = table.shape
    cell = np.arange(n_rows * n_cols).reshape(n_rows, n_cols)
    t_col = table.columns.get_loc(row_total) if row_total is not None else None
    t_row = table.index.get_loc(total_row) if total_row is not None else None
    rows = [i for i in range(n_rows) if i != t_row]
    cols = [j for j in range(n_cols) if j != t_col]
    lines = []  # (members, total)
    if t_col is not None:
        lines += [(cell[i, cols], cell[i, t_col]) for i in rows]
    if t_row is not None:
        lines += [(cell[rows, j], cell[t_row, j]) for j in cols]
    if t_col is not None and t_row is not None:
        lines += [(cell[rows, t_col], cell[t_row, t_col]), (cell[t_row, cols], cell[t_row, t_col])]
    matrix = np.zeros((len(lines), n_rows * n_cols))
    for k, (members, total) in enumerate(lines):
        matrix[k, members] = 1.0
        matrix[k, total] = -1.0
    return matrix


def _pinned(table, unknown: np.ndarray, row_total, total_row) -> list[tuple[int, float, float]]:
    """Unknown cells (flat positions) whose range, every other cell fixed, is under one unit.

    Ranges by linear programming over the reals, unknowns >= 0, cell by cell (maximum, then
    minimum). The true table is feasible too, so any LP solution x proves a width of at least
    |x_j − true_j| for every unknown j at once; that spares most of the LPs.
    """
    values = table.to_numpy(dtype=float).ravel()
    matrix = _sum_constraints(table, row_total, total_row)
    positions = np.flatnonzero(unknown.ravel())
    a_eq = matrix[:, positions]
    b_eq = -matrix[:, ~unknown.ravel()] @ values[~unknown.ravel()]
    keep = a_eq.any(axis=1)
    a_eq, b_eq = a_eq[keep], b_eq[keep]
    truth = values[positions]
    free = ~a_eq.any(axis=0)  # in no shown sum: unbounded
    pinned = []
    for i, position in enumerate(positions):
        extremes = []
        for sign in (-1.0, 1.0):  # maximise, then minimise
            if free[i]:
                break
            objective = np.zeros(positions.size)
            objective[i] = sign
            solution = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None))
            if solution.status == 3:  # unbounded above
                free[i] = True
                break
            assert solution.status == 0, solution.message  # the true table is feasible
            free |= np.abs(solution.x - truth) >= 1 - 1e-7
            extremes.append(solution.x[i])
        if not free[i]:
            pinned.append((int(position), min(extremes), max(extremes)))
    return pinned


def assert_no_cell_recalculable(table, result, *, row_total, total_row) -> None:
    # Integer tables whose hidden cells are all >= 1 can move a whole unit along a cycle.
    hidden = result.hidden.to_numpy()
    assert _pinned(table, hidden, row_total, total_row) == []


def assert_no_small_visible(result, columns, k: int) -> None:
    shown = result.values[columns].to_numpy(dtype="float64", na_value=np.nan)
    assert not ((shown >= 1) & (shown <= k - 1)).any()


counts = st.one_of(st.integers(0, 12), st.integers(0, 60), st.just(0))


@st.composite
def count_tables(draw):
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 5))
    values = [[draw(counts) for _ in range(n_cols)] for _ in range(n_rows)]
    inner = pd.DataFrame(
        values, columns=[f"c{j}" for j in range(n_cols)], index=[f"r{i}" for i in range(n_rows)]
    )
    row_total = draw(st.booleans())
    total_row = draw(st.booleans())
    k = draw(st.sampled_from([3, 5, 11]))
    return with_margins(inner, row_total=row_total, total_row=total_row), row_total, total_row, k


@settings(max_examples=200, deadline=None)
@given(count_tables())
def test_property_no_hidden_cell_is_recalculable(case) -> None:
    table, has_row_total, has_total_row, k = case
    row_total = "total" if has_row_total else None
    total_row = "all" if has_total_row else None
    columns = [c for c in table.columns if c != row_total]
    result = suppress_counts(
        table, k=k, count_columns=columns, row_total=row_total, total_row_label=total_row
    )
    original = table.to_numpy(dtype=float)
    shown = result.values.to_numpy(dtype="float64", na_value=np.nan)
    hidden = result.hidden.to_numpy()
    assert (np.isnan(shown) == hidden).all()
    assert (shown[~hidden] == original[~hidden]).all()  # shown cells keep their value
    assert hidden[is_small(original, k)].all()  # every count from 1 to k-1 is hidden
    assert (original[hidden] > 0).all()  # complements are never zeros
    primary = result.reasons.to_numpy() == "count below " + str(k)
    assert (primary == (hidden & is_small(original, k))).all()
    assert_no_cell_recalculable(table, result, row_total=row_total, total_row=total_row)


@st.composite
def rate_tables(draw):
    n_rows = draw(st.integers(1, 5))
    denominators = [draw(counts) for _ in range(n_rows)]
    numerators = [draw(st.integers(0, d)) for d in denominators]
    index = [f"g{i}" for i in range(n_rows)]
    table = pd.DataFrame({"n": numerators, "d": denominators}, index=index)
    if draw(st.booleans()):
        table = pd.concat([table, table.sum().to_frame("all").T])
    with np.errstate(divide="ignore", invalid="ignore"):
        table["rate"] = table["n"] / table["d"]
    return table, draw(st.sampled_from([3, 5, 11]))


@settings(max_examples=150, deadline=None)
@given(rate_tables())
def test_property_rates_protect_numerator_and_complement(case) -> None:
    table, k = case
    total_row = "all" if "all" in table.index else None
    result = suppress_rates(
        table, k=k, numerator="n", denominator="d", rate="rate", total_row_label=total_row
    )
    assert_no_small_visible(result, ["n", "d"], k)
    hidden = result.hidden
    assert (hidden["rate"] == (hidden["n"] | hidden["d"])).all()
    # "without" (d − n) is never shown. Where n and d both are, the reader has it exactly.
    n_hidden, d_hidden = hidden["n"].to_numpy(), hidden["d"].to_numpy()
    both_shown = ~n_hidden & ~d_hidden
    without = (table["d"] - table["n"]).to_numpy()
    assert not is_small(without[both_shown], k).any()
    # Elsewhere it is unknown to the reader; no hidden cell may be pinned, and a "without"
    # that the sums pin down must not be small.
    grid = pd.DataFrame({"n": table["n"], "without": without, "d": table["d"]})
    unknown = np.column_stack([n_hidden, ~both_shown, d_hidden])
    for position, low, _ in _pinned(grid, unknown, "d", total_row):
        row, column = divmod(position, 3)
        assert column == 1, f"{grid.index[row]}/{grid.columns[column]} can be recalculated"
        assert not is_small(round(low), k), f"{grid.index[row]}: without = {low} is derivable"
