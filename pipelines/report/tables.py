"""The report's tables for one quarter, each protected for funders: the program-wide row and one
row per track and per site, small cells blank with their reason.

What "the quarter" means differs by table and is printed above each one (docs/report.md):
- served, admissions, discharges, discharge reasons, completion, length of stay and abstinence at
  discharge count what happened *in* the quarter (`pipelines/report/sql/`);
- retention, attendance and dose, and drug screens follow the *admission cohort* of the quarter
  (the metric functions of `pipelines.metrics` with the quarter as the cohort filter);
- follow-up rate, outcomes among those reached, abstinence at follow-up and the retention-bias
  table count the follow-ups whose window *closed* in the quarter.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial

import duckdb
import pandas as pd

from pipelines.access import SOURCES, allowed
from pipelines.access.specs import SPECS
from pipelines.metrics.filters import Filters
from pipelines.report import queries
from pipelines.report.bias import protect_bias, retention_bias
from pipelines.report.period import Period
from pipelines.report.protection import (
    LINK_REASON,
    TEST_REASON,
    Protected,
    hide,
    protect_groups,
)
from pipelines.report.specs import REPORT_SPECS

DIMENSIONS = ("track", "site")
QUERY_THREADS = 3  # per period; the report computes four periods at once (build.assemble)
# Tables computed from the admission cohort by a metric function: key -> (source, parameters).
COHORT = {
    "retention": ("retention_at", {"days": (30, 60, 90)}),
    "attendance": ("attendance_rate", {}),
    "dose": ("hours_per_week", {}),
    "initiation": ("initiation_engagement", {}),
    "screens": ("negative_screen_rate", {}),
}
# Tables of what happened in the period, computed here: key -> function.
PERIOD = {
    "census": queries.census,
    "discharges": queries.discharges,
    "followups": queries.followups,
    "outcomes": queries.outcomes,
    "abstinence": queries.abstinence_pairs,
}


@dataclass(frozen=True)
class Member:
    table: str
    column: str
    where: tuple[tuple[str, object], ...] = ()


# The same count shown in several tables: hidden in one, hidden in all (per group and key).
LINKS: tuple[tuple[tuple[str, ...], tuple[Member, ...]], ...] = (
    (
        (),
        (
            Member("census", "n_admissions"),
            Member("retention", "n_episodes"),
            Member("attendance", "n_episodes"),
        ),
    ),
    (
        (),
        (
            Member("census", "n_discharges"),
            Member("discharges", "n_discharged"),
            Member("discharges", "n_discharges", (("discharge_reason", "all"),)),
        ),
    ),
    (("timepoint",), (Member("followups", "n_in_window"), Member("outcomes", "n_reached"))),
)


def dimensions_for(filters: Filters) -> tuple[str, ...]:
    """Breakdowns worth showing: a filter that picks a single track (site) leaves one group."""
    chosen = {"track": filters.tracks, "site": filters.sites}
    return tuple(d for d in DIMENSIONS if len(chosen[d]) != 1)


def _cohort_fetch(con, filters: Filters, name: str, params: dict) -> Callable:
    if not allowed("funder", name):  # only what the funder path may show
        raise PermissionError(f"{name} is not an aggregate funders may receive")
    fn = SOURCES[name].fn
    return lambda group_by: fn(con, filters=filters, group_by=group_by, **params)


def compute(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    filters: Filters,
    k: int,
    dimensions: tuple[str, ...] = DIMENSIONS,
    *,
    keys: tuple[str, ...] | None = None,
) -> dict[str, Protected]:
    """The report's tables for one period (all, or `keys`), protected, linked counts consistent."""
    wanted = set(keys or (*PERIOD, *COHORT, "bias"))
    groups = (None, *dimensions)
    cohort = replace(filters, quarters=(period.quarter.label,))
    fetchers = {key: _cohort_fetch(con, cohort, *COHORT[key]) for key in wanted & COHORT.keys()}
    # Every query of the period is sent at once: DuckDB runs them outside the GIL while this
    # thread protects the tables whose rows have arrived.
    with ThreadPoolExecutor(QUERY_THREADS, thread_name_prefix="report-queries") as pool:
        pending = {
            group_by: pool.submit(
                queries.period_rows, con, period=period, filters=filters, group_by=group_by
            )
            for group_by in groups
        }
        fetched = {
            (key, g): pool.submit(fetch, g) for key, fetch in fetchers.items() for g in groups
        }
        rows = {group_by: future.result() for group_by, future in pending.items()}
        tables: dict[str, Protected] = {}
        for key in wanted & PERIOD.keys():
            fetch = partial(_from_rows, PERIOD[key], rows)
            tables[key] = protect_groups(fetch, REPORT_SPECS[key], k, dimensions)
        for key in fetchers:
            fetch = partial(_result, fetched, key)
            tables[key] = protect_groups(fetch, SPECS[COHORT[key][0]], k, dimensions)
    if "bias" in wanted:
        bias = protect_bias(retention_bias(rows[None]), REPORT_SPECS["bias"], k)
        tables["bias"] = _hide_tests(bias)
    for link_keys, members in LINKS:
        _link(tables, link_keys, tuple(m for m in members if m.table in tables))
    return tables


def _result(fetched: dict, key: str, group_by: str | None) -> pd.DataFrame:
    return fetched[(key, group_by)].result()


def _from_rows(fn: Callable, rows: dict, group_by: str | None) -> pd.DataFrame:
    return fn(rows[group_by])


def _hide_tests(table: Protected) -> Protected:
    """A test statistic and its p-value with a hidden cell beside them could help recover it."""
    data = table.data
    counts = table.reasons[["n_followed", "n_lost"]].ne("").any(axis=1)
    affected = data["characteristic"].isin(data.loc[counts, "characteristic"]).to_numpy()
    for column in ("statistic", "p_value", "p_adjusted"):
        table = hide(table, affected, column, TEST_REASON)
    return table


def _link(tables: dict[str, Protected], keys: tuple[str, ...], members: tuple[Member, ...]):
    members = tuple(m for m in members if not tables[m.table].data.empty)

    def ids(table: Protected, member: Member) -> pd.Series:
        data = table.data
        index = data["dimension"].astype(str)
        for column in ("group", *keys):
            index = index + "\x1f" + data[column].astype(str)
        mask = pd.Series(True, index=data.index)
        for column, value in member.where:
            mask &= data[column] == value
        return index.where(mask)

    hidden: set[str] = set()
    for member in members:
        table = tables[member.table]
        found = ids(table, member)[table.hidden(member.column)]
        hidden |= set(found.dropna())
    for member in members:
        table = tables[member.table]
        rows = ids(table, member).isin(hidden).to_numpy()
        if (rows & ~table.hidden(member.column).to_numpy()).any():
            tables[member.table] = hide(table, rows, member.column, LINK_REASON)
