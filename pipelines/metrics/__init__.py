"""Metric functions: `(con, *, filters, group_by, ...) -> DataFrame`.

Each reads `pipelines/sql/metrics/<name>.sql` (the retention functions share
`retention_curve.sql`; `compare_groups` reuses the others' rows) and computes statistics with
`pipelines.stats`. Every function here has an entry in docs/metrics.md (a test checks it, and
that the entry names every output column).
"""

from pipelines.metrics.abstinence import abstinence_by_timepoint, abstinence_change
from pipelines.metrics.attendance import (
    attendance_by_week,
    attendance_rate,
    hours_per_week,
    initiation_engagement,
)
from pipelines.metrics.census import (
    active_census,
    admissions_by_month,
    census_by_month,
    completion_rate,
    discharges_by_reason,
    readmission_rate,
)
from pipelines.metrics.compare import compare_groups
from pipelines.metrics.filters import ALL, GROUP_COLUMNS, Filters
from pipelines.metrics.followup import followup_bias, followup_outcomes, followup_status
from pipelines.metrics.length_of_stay import length_of_stay, length_of_stay_buckets
from pipelines.metrics.retention import (
    retention_at,
    retention_curve,
    retention_logrank,
    retention_median,
)

__all__ = [
    "ALL",
    "GROUP_COLUMNS",
    "Filters",
    "abstinence_by_timepoint",
    "abstinence_change",
    "active_census",
    "admissions_by_month",
    "attendance_by_week",
    "attendance_rate",
    "census_by_month",
    "compare_groups",
    "completion_rate",
    "discharges_by_reason",
    "followup_bias",
    "followup_outcomes",
    "followup_status",
    "hours_per_week",
    "initiation_engagement",
    "length_of_stay",
    "length_of_stay_buckets",
    "readmission_rate",
    "retention_at",
    "retention_curve",
    "retention_logrank",
    "retention_median",
]
