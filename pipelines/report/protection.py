"""Small-cell protection of the report's tables, with the rules funders get everywhere
(`pipelines.access.protect` and its specs; `pipelines.suppression` does the cell-level work).

A report table shows the program-wide row beside the groups of each breakdown (track, site).
`pipelines.access.fetch` protects a grouped table against its total but never shows the total,
so here the program row is protected *as one of the members*: protect() receives the groups and
the program row, with a total of twice the program row. When the program row is shown that is
the same equation as "groups add up to the program"; when it is hidden it is a stronger one, so
the protection is never weaker. A program cell hidden in one breakdown is hidden in all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.access.protect import WITH_COUNT_REASON, Spec, is_count_column, protect
from pipelines.suppression import RATE_REASON

PROGRAM = "All clients"
DIMENSION_LABELS = {"track": "Track", "site": "Site"}
LINK_REASON = "hidden because the same count is hidden in another table of this report"
TEST_REASON = "test hidden because a count of its table is hidden"
SUM_REASON = "hidden because a count it adds up is hidden"
_PROGRAM_ROW = "\x01program"  # group_value of the program row while protecting


@dataclass(frozen=True)
class Protected:
    """A table after protection: `data` with hidden cells as NA, `reasons` ("" when shown).

    Columns `dimension` ('program', 'track', 'site') and `group` (its label) come first, then the
    metric's own columns (without `group_value`).
    """

    data: pd.DataFrame
    reasons: pd.DataFrame
    spec: Spec

    def hidden(self, column: str) -> pd.Series:
        return self.reasons[column] != ""


def without_reason(k: int) -> str:
    """Why a numerator is hidden when the count without the outcome is small (as suppress_rates)."""
    return f"hidden because the count without the outcome (denominator − numerator) is below {k}"


def join(
    parts: Sequence[tuple[pd.DataFrame, pd.DataFrame]], keys: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Protected (data, reasons) pieces of the same rows side by side, matched on `keys`."""
    values = reasons = None
    for data, why in parts:
        why = why.copy()
        why[keys] = data[keys].to_numpy()
        values = data if values is None else values.merge(data, on=keys, how="left")
        reasons = why if reasons is None else reasons.merge(why, on=keys, how="left")
    reasons = reasons.fillna("")
    reasons[keys] = ""
    return values.reset_index(drop=True), reasons.reset_index(drop=True)


def _count_columns(frame: pd.DataFrame, spec: Spec) -> list[str]:
    return [c for c in frame.columns if is_count_column(c) or c in spec.counts]


def _doubled(program: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    total = program.copy()
    for column in _count_columns(total, spec):
        total[column] = pd.to_numeric(total[column]).fillna(0).astype("int64") * 2
    return total


def _labelled(frame: pd.DataFrame, dimension: str, groups: pd.Series) -> pd.DataFrame:
    out = frame.drop(columns=["group_value"]).copy()
    out.insert(0, "group", groups.to_numpy())
    out.insert(0, "dimension", dimension)
    return out


def protect_groups(
    fetch: Callable[[str | None], pd.DataFrame],
    spec: Spec,
    k: int,
    dimensions: Sequence[str],
) -> Protected:
    """Fetch the program-wide table (`fetch(None)`) and one per dimension, and protect them."""
    program = fetch(None).assign(group_value=_PROGRAM_ROW)
    grouped = {dimension: fetch(dimension) for dimension in dimensions}
    grouped = {dimension: frame for dimension, frame in grouped.items() if not frame.empty}
    program_values, program_reasons = program, None
    if not grouped or program.empty:  # the program row alone, protected on its own
        program_values, program_reasons = protect(program, spec, k)
    pieces: list[tuple[pd.DataFrame, pd.DataFrame]] = []
    for dimension, frame in grouped.items():
        frame = pd.concat([frame, program], ignore_index=True)
        values, reasons = protect(frame, spec, k, _doubled(program, spec))
        is_program = (values["group_value"] == _PROGRAM_ROW).to_numpy()
        # A program cell hidden for one breakdown stays hidden for every breakdown.
        own = reasons[is_program].reset_index(drop=True)
        if program_reasons is None:
            program_values = values[is_program].reset_index(drop=True)
            program_reasons = own
        else:
            program_reasons = program_reasons.mask((program_reasons == "") & (own != ""), own)
        groups = values.loc[~is_program, "group_value"].astype(str)
        pieces.append(
            (
                _labelled(values[~is_program], dimension, groups),
                _labelled(reasons[~is_program], dimension, groups),
            )
        )
    program_values = program_values.copy()
    for column in program_reasons.columns:
        gone = (program_reasons[column] != "").to_numpy()
        if gone.any():
            program_values[column] = _nullable(program_values[column])
            program_values.loc[gone, column] = pd.NA
    labels = pd.Series([PROGRAM] * len(program_values))
    data = [_labelled(program_values, "program", labels), *[p[0] for p in pieces]]
    reasons = [_labelled(program_reasons, "program", labels), *[p[1] for p in pieces]]
    data_frame = pd.concat(data, ignore_index=True)
    reasons_frame = pd.concat(reasons, ignore_index=True).fillna("")
    reasons_frame.loc[:, ["dimension", "group"]] = ""
    return Protected(data_frame, reasons_frame, spec)


def _nullable(series: pd.Series) -> pd.Series:
    if is_count_column(series.name) or pd.api.types.is_integer_dtype(series):
        return pd.array(pd.to_numeric(series), dtype="Int64")
    if pd.api.types.is_bool_dtype(series):
        return series.astype("boolean")
    if pd.api.types.is_numeric_dtype(series):
        return series.astype("Float64")
    return series.astype(object)


def hide(table: Protected, rows: np.ndarray, column: str, reason: str) -> Protected:
    """Hide more cells of a protected table, and what is computed from or describes them."""
    data, reasons = table.data.copy(), table.reasons.copy()
    rows = rows & (reasons[column] == "").to_numpy()
    if not rows.any():
        return table
    before = reasons != ""
    reasons.loc[rows, column] = reason
    hidden = reasons != ""
    for rate in table.spec.rates:
        gone = (hidden[rate.numerator] | hidden[rate.denominator]).to_numpy()
        for derived in rate.derived:
            if derived in reasons:
                reasons.loc[gone & ~hidden[derived].to_numpy(), derived] = RATE_REASON
    for count, columns in table.spec.stats:
        for described in columns:
            if described in reasons and count in reasons:
                new = hidden[count].to_numpy() & (reasons[described] == "").to_numpy()
                reasons.loc[new, described] = WITH_COUNT_REASON
    changed = ((reasons != "") & ~before).any()
    for name in changed.index[changed.to_numpy()]:
        gone = (reasons[name] != "").to_numpy()
        data[name] = _nullable(data[name])
        data.loc[gone, name] = pd.NA
    return Protected(data, reasons, table.spec)
