"""Write a pandas frame as one of the contract's input CSV files.

Adapters build frames with contract column names and plain Python values; this module fixes the
file format in one place: columns in contract order, ISO dates, booleans as true/false, integers
without a decimal point, empty cells for missing values, rows sorted by the table key so that the
same input always gives byte-identical files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.contract import TABLES


def study_dates(days: pd.Series, anchor: date) -> pd.Series:
    """ISO date strings for integer day offsets from `anchor` (missing offsets stay missing)."""
    stamps = pd.Timestamp(anchor) + pd.to_timedelta(days, unit="D")
    return stamps.dt.strftime("%Y-%m-%d").astype("str")


def write_contract_csv(frame: pd.DataFrame, table_name: str, path: Path) -> int:
    """Write `frame` as contract table `table_name` at `path`; return the number of rows."""
    table = TABLES[table_name]
    missing = [c for c in table.column_names if c not in frame.columns]
    if missing:
        raise ValueError(f"{table_name}: frame lacks contract columns {missing}")
    out = frame.loc[:, list(table.column_names)].copy()
    for column in table.columns:
        values = out[column.name]
        if column.type == "integer":
            out[column.name] = values.astype("Int64")
        elif column.type == "boolean":
            out[column.name] = values.map({True: "true", False: "false"}).astype("str")
        else:
            out[column.name] = values.astype("str")
    if out.duplicated(list(table.key)).any():
        raise ValueError(f"{table_name}: duplicate keys {table.key}")
    # Sorting by the key (then every column) makes the file independent of input row order.
    rest = [c for c in table.column_names if c not in table.key]
    out = out.sort_values([*table.key, *rest], kind="stable")
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n", na_rep="")
    return len(out)
