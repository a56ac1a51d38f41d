"""The SAMHSA-style client-level extract: one row per client per interview point (intake,
discharge, follow-up) in a quarter, with the abstinence, employment or school, housing and
arrest items and the interview dates, for a grantee to map onto a SPARS / SUPRT upload.

CLIENT-LEVEL. It is for the treating program itself (42 CFR Part 2), never for funders: it is
not part of any report, and the `outcomes extract` command asks for an explicit flag. Columns
are documented in docs/report.md.
"""

from __future__ import annotations

import csv
import io

import duckdb
import numpy as np
import pandas as pd

from pipelines.export import neutralize
from pipelines.metrics.filters import ALL, Filters
from pipelines.report import queries
from pipelines.report.period import Period, Quarter

COLUMNS = (
    "client_id",
    "episode_admission_date",
    "episode_number",
    "track",
    "site",
    "record_type",
    "timepoint",
    "interview_status",
    "interview_date",
    "days_since_admission",
    "due_date",
    "window_start_date",
    "window_end_date",
    "is_in_window",
    "recall_window_days",
    "days_abstinent",
    "days_used",
    "is_abstinent",
    "is_employed_or_in_school",
    "is_stably_housed",
    "was_arrested_30d",
    "discharge_date",
    "discharge_reason",
    "discharge_reason_teds_code",
)


def samhsa_extract(
    con: duckdb.DuckDBPyConnection, *, quarter: str | Quarter, filters: Filters = ALL
) -> pd.DataFrame:
    """Interview points of the quarter, one row per client per point (client-level)."""
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    as_of = queries.run(con, "parameters", {}).iloc[0]["as_of"]
    as_of = as_of.date() if hasattr(as_of, "date") else as_of
    period = Period(quarter, as_of)
    frame = queries.run(con, "samhsa_extract", queries.period_params(filters, None, period))
    return frame[list(COLUMNS)]


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(neutralize(str(value)))


def extract_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The extract as UTF-8 CSV: header row, dates ISO, booleans yes/no, empty = not recorded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")
