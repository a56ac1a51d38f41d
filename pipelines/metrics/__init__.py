"""Metric functions: `(con, *, filters, group_by) -> DataFrame`, one SQL file each.

Every function here has an entry in docs/metrics.md (a test checks it).
"""

from pipelines.metrics.census import active_census, admissions_by_month, discharges_by_reason
from pipelines.metrics.filters import ALL, GROUP_COLUMNS, Filters

__all__ = [
    "ALL",
    "GROUP_COLUMNS",
    "Filters",
    "active_census",
    "admissions_by_month",
    "discharges_by_reason",
]
