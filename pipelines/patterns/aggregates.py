"""Group aggregates of the outcome definitions: event rates (Wilson), Kaplan–Meier time to
relapse with the log-rank test, and the weekly positivity curve under each missing-data rule.

Each function takes `(con, *, filters, group_by, ...)` like pipelines.metrics; definitions are
evaluated in Python on the distinct words of marts.episode_words (`pattern_episodes.sql`,
counted per group), statistics come from pipelines.stats. A definition or rule may be one id or
several: results are stacked with `definition` and `missing` columns, so several can be shown
side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import duckdb
import numpy as np
import pandas as pd

from pipelines.metrics.filters import ALL, Filters
from pipelines.patterns.bulk import evaluate
from pipelines.patterns.definitions import DEFINITIONS, Definition
from pipelines.patterns.episodes import counted_words, run_pattern_sql
from pipelines.patterns.substances import check_substance
from pipelines.patterns.words import MISSING_RULES, check_missing_rule
from pipelines.stats import kaplan_meier, logrank, wilson_interval

Many = str | Sequence[str]
RATE_KINDS = ("time_event", "flag")
CURVE_COLUMNS = {
    "time": "week",
    "survival": "event_free_rate",
    "lower": "event_free_rate_lower",
    "upper": "event_free_rate_upper",
    "at_risk": "n_at_risk",
    "events": "n_events",
    "censored": "n_censored",
}
# Per rule: (numerator, denominator) columns of positivity_by_week.sql.
POSITIVITY_COUNTS = {
    "ignored": ("n_positive_weeks", "n_tested_weeks"),
    "positive": ("n_positive_weeks_or_missing", "n_scheduled_weeks"),
    "completers": ("n_positive_weeks_completers", "n_tested_weeks_completers"),
}


def _many(values: Many) -> list[str]:
    return [values] if isinstance(values, str) else list(values)


def _definitions(definition: Many, kinds: tuple[str, ...]) -> list[Definition]:
    chosen = []
    for id in _many(definition):
        if id not in DEFINITIONS:
            raise KeyError(f"unknown definition {id!r}; known: {list(DEFINITIONS)}")
        if DEFINITIONS[id].kind not in kinds:
            raise ValueError(f"{id} is a {DEFINITIONS[id].kind}; this needs one of {kinds}")
        chosen.append(DEFINITIONS[id])
    return chosen


def _outcomes(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    group_by: str | None,
    definition: Many,
    substance: str,
    missing: Many,
    kinds: tuple[str, ...],
) -> Iterator[tuple[Definition, str, pd.DataFrame]]:
    """(definition, rule, frame of group_value, time, event, n_episodes) for every definition and
    rule: one row per group and distinct word, weighed by the episodes that have it."""
    chosen = _definitions(definition, kinds)
    rules = [check_missing_rule(m) for m in _many(missing)]
    words = counted_words(con, filters=filters, group_by=group_by, substance=substance)
    for rule in rules:
        values = evaluate(words["word"], [d.id for d in chosen], rule)
        for d in chosen:
            if d.kind == "flag":
                time, event = pd.Series(np.nan, index=words.index), values[d.id]
            else:
                time, event = values[f"{d.id}_time"], values[f"{d.id}_event"]
            frame = pd.DataFrame({"group_value": words["group_value"], "time": time})
            frame = frame.assign(event=event.astype("Float64"), n_episodes=words["n_episodes"])
            yield d, rule, frame


def _survival_data(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Times, events, groups and episodes of each counted row (the curves and the log-rank take
    the counts as frequency weights)."""
    return (
        frame["time"].to_numpy(float),
        frame["event"].to_numpy(bool),
        frame["group_value"].to_numpy(object),
        frame["n_episodes"].to_numpy("int64"),
    )


def relapse_rate(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    definition: Many = "ctn0094_relapse",
    substance: str = "opioids",
    missing: Many = "positive",
) -> pd.DataFrame:
    """Share of evaluable episodes with the definition's event (a flag: its success), Wilson 95%.

    Numerator: episodes with the event; denominator: episodes whose value is defined (not NA).
    """
    rows = []
    for d, rule, frame in _outcomes(
        con, filters, group_by, definition, substance, missing, RATE_KINDS
    ):
        for group, part in frame.groupby("group_value", sort=True):
            evaluable = part["event"].notna().to_numpy()
            weights = part["n_episodes"].to_numpy("int64")
            events = part["event"].to_numpy(float, na_value=0.0)
            n, k = int(weights[evaluable].sum()), int((weights * events)[evaluable].sum())
            low, high = wilson_interval(k, n)
            n_episodes = int(weights.sum())
            rows.append((group, d.id, rule, n_episodes, n, k, k / n if n else np.nan, low, high))
    columns = ["group_value", "definition", "missing", "n_episodes", "n_evaluable", "n_events"]
    columns += ["event_rate", "event_rate_lower", "event_rate_upper"]
    return pd.DataFrame(rows, columns=columns).assign(substance=check_substance(substance))


def relapse_curve(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    definition: Many = "ctn0094_relapse",
    substance: str = "opioids",
    missing: Many = "positive",
) -> pd.DataFrame:
    """Kaplan–Meier curve of weeks to the definition's event per group, log-log 95% bands."""
    parts = []
    for d, rule, frame in _outcomes(
        con, filters, group_by, definition, substance, missing, ("time_event",)
    ):
        for group, part in frame.dropna(subset=["event"]).groupby("group_value", sort=True):
            time, event, _, weights = _survival_data(part)
            curve = kaplan_meier(time, event, weights=weights)
            parts.append(
                curve.rename(columns=CURVE_COLUMNS).assign(
                    group_value=group, definition=d.id, missing=rule
                )
            )
    columns = ["group_value", "definition", "missing", *CURVE_COLUMNS.values()]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns].assign(substance=substance)


def relapse_logrank(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    definition: Many = "ctn0094_relapse",
    substance: str = "opioids",
    missing: Many = "positive",
) -> pd.DataFrame:
    """Log-rank test of weeks to the definition's event across groups (R survdiff, rho = 0).

    One row per group: evaluable episodes, observed and expected events, and the test's
    chi-square, degrees of freedom and p-value (NaN with fewer than two groups).
    """
    rows = []
    for d, rule, frame in _outcomes(
        con, filters, group_by, definition, substance, missing, ("time_event",)
    ):
        frame = frame.dropna(subset=["event"])
        groups = sorted(frame["group_value"].unique())
        if len(groups) < 2:
            for group, part in frame.groupby("group_value"):
                weights = part["n_episodes"].to_numpy("int64")
                n_events = int((weights * part["event"].to_numpy(float)).sum())
                n = int(weights.sum())
                rows.append((group, d.id, rule, n, n_events, np.nan, np.nan, 0, np.nan))
            continue
        time, event, group_values, weights = _survival_data(frame)
        result = logrank(time, event, group_values, weights=weights)
        for group, n, observed, expected in zip(
            result.groups, result.n, result.observed, result.expected, strict=True
        ):
            stats = (result.statistic, result.df, result.p_value)
            rows.append((group, d.id, rule, n, observed, expected, *stats))
    columns = ["group_value", "definition", "missing", "n_evaluable", "n_events", "n_expected"]
    columns += ["statistic", "df", "p_value"]
    return pd.DataFrame(rows, columns=columns).assign(substance=check_substance(substance))


def positivity_by_week(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    substance: str = "opioids",
    missing: Many = MISSING_RULES,
) -> pd.DataFrame:
    """Share of positive weeks by week in treatment, per group and missing-data rule, Wilson 95%.

    Positive = '+' or '*'. Missing ignored: among weeks with a test; missing = positive: 'o'
    counted positive, among all scheduled weeks; completers: among weeks with a test of
    episodes without a missing week.
    """
    rules = [check_missing_rule(m) for m in _many(missing)]
    params = filters.params(group_by) | {"substance": check_substance(substance)}
    counts = run_pattern_sql(con, "positivity_by_week", params)
    counts["n_positive_weeks_or_missing"] = counts["n_positive_weeks"] + counts["n_missing_weeks"]
    parts = []
    for rule in rules:
        numerator, denominator = POSITIVITY_COUNTS[rule]
        x = counts[numerator].to_numpy(dtype=float)
        n = counts[denominator].to_numpy(dtype=float)
        low, high = wilson_interval(x, n) if len(counts) else (np.zeros(0), np.zeros(0))
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(n > 0, x / n, np.nan)
        parts.append(
            pd.DataFrame(
                {
                    "group_value": counts["group_value"],
                    "missing": rule,
                    "week_number": counts["week_number"].astype("int64"),
                    "n_positive_weeks": x.astype("int64"),
                    "n_weeks": n.astype("int64"),
                    "positive_rate": rate,
                    "positive_rate_lower": low,
                    "positive_rate_upper": high,
                }
            )
        )
    return pd.concat(parts, ignore_index=True).assign(substance=substance)
