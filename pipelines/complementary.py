"""Complementary suppression (rule 2 of `pipelines.suppression`): a table's counts as variables
with their additive equations (rows, columns and totals), and the search for the cells to hide
so that no hidden cell can be recalculated from the shown ones.
"""

from __future__ import annotations

import numpy as np
import scipy


class Grid:
    """The counts as variables (inner cells, row totals, column totals, grand total) and the
    additive equations between them, each written as sum(members) − total = 0."""

    def __init__(self, inner: np.ndarray, has_row_totals: bool, has_col_totals: bool) -> None:
        n_rows, n_cols = inner.shape
        self.inner_index = np.arange(inner.size).reshape(n_rows, n_cols)
        values = [inner.ravel()]
        nxt = inner.size
        self.row_total_index = self.col_total_index = None
        self.grand_index: int | None = None
        if has_row_totals:
            self.row_total_index = np.arange(nxt, nxt + n_rows)
            values.append(inner.sum(axis=1))
            nxt += n_rows
        if has_col_totals:
            self.col_total_index = np.arange(nxt, nxt + n_cols)
            values.append(inner.sum(axis=0))
            nxt += n_cols
        if has_row_totals and has_col_totals:
            self.grand_index = nxt
            values.append(np.array([inner.sum()]))
            nxt += 1
        self.values = np.concatenate(values).astype(float)
        self.is_margin = np.arange(nxt) >= inner.size

        # Each equation: (members, total); sum(values[members]) == values[total].
        self.equations: list[tuple[np.ndarray, int]] = []
        if self.row_total_index is not None:
            for i in range(n_rows):
                self.equations.append((self.inner_index[i], int(self.row_total_index[i])))
        if self.col_total_index is not None:
            for j in range(n_cols):
                self.equations.append((self.inner_index[:, j], int(self.col_total_index[j])))
        if self.grand_index is not None:
            self.equations.append((self.row_total_index, self.grand_index))
            self.equations.append((self.col_total_index, self.grand_index))
        self.lines = [np.append(members, total) for members, total in self.equations]
        self.matrix = np.zeros((len(self.lines), nxt))
        for row, (members, total) in enumerate(self.equations):
            self.matrix[row, members] = 1.0
            self.matrix[row, total] = -1.0

    def determined(self, hidden: np.ndarray) -> np.ndarray:
        """Hidden variables whose value follows from the shown ones through the equations."""
        cols = np.flatnonzero(hidden)
        if cols.size == 0 or not self.lines:
            return np.array([], dtype=int)
        # A hidden cell is free exactly when some solution of the homogeneous system moves it.
        free_directions = scipy.linalg.null_space(self.matrix[:, cols])
        movable = np.abs(free_directions).sum(axis=1) > 1e-9
        return cols[~movable]

    def preference(self, cell: int, hidden: np.ndarray) -> tuple[int, float, bool, int]:
        """Sort key for a complementary cell: the one whose other lines it settles, then smallest.

        Hiding a cell helps each of its lines that has one hidden member already and burdens each
        that has none (that line then needs a complement of its own).
        """
        counts = [hidden[self.lines[e]].sum() for e in np.flatnonzero(self.matrix[:, cell])]
        burden = sum(c == 0 for c in counts) - sum(c == 1 for c in counts)
        return (burden, self.values[cell], bool(self.is_margin[cell]), cell)


def complementary(grid: Grid, hidden: np.ndarray) -> np.ndarray:
    """Indices hidden by the complementary rules, in the order they were chosen."""
    hidden = hidden.copy()
    chosen: list[int] = []

    def hide(cell: int) -> None:
        hidden[cell] = True
        chosen.append(int(cell))

    while True:
        # Local rule: a line with one hidden member hides a second (always a non-zero one, so
        # every hidden cell stays free to move; such a member exists because the hidden one is
        # non-zero and the line adds up).
        line = next((line for line in grid.lines if hidden[line].sum() == 1), None)
        if line is not None:
            candidates = line[~hidden[line] & (grid.values[line] > 0)]
            hide(min(candidates, key=lambda c: grid.preference(c, hidden)))
            continue
        # Global rule: a cell can still be pinned down by combining lines; free it.
        pinned = grid.determined(hidden)
        if pinned.size == 0:
            return np.array(chosen, dtype=int)
        target = int(pinned[0])
        near = grid.matrix[grid.matrix[:, target] != 0].any(axis=0)  # shares a line with it
        candidates = np.flatnonzero(~hidden & (grid.values > 0))
        ranked = sorted(candidates, key=lambda c: (not near[c], grid.preference(c, hidden)))
        for c in ranked:
            trial = hidden.copy()
            trial[c] = True
            if target not in grid.determined(trial):
                hide(c)
                break
        else:  # not expected: hiding every non-zero cell frees them all (scale the table)
            hide(ranked[0])
