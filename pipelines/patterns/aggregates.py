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
from dataclasses import dataclass
from functools import partial

import duckdb
import numpy as np
import pandas as pd

from pipelines.db import kept
from pipelines.metrics.filters import ALL, Filters
from pipelines.patterns.definitions import DEFINITIONS, Definition
from pipelines.patterns.episodes import counted_word_matrix, words_key
from pipelines.patterns.substances import check_substance
from pipelines.patterns.words import (
    MISS,
    MISSING_RULES,
    MIX,
    NEG,
    NOSCHED,
    PAD,
    POS,
    WordMatrix,
    check_missing_rule,
)
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
WEEK_COUNTS = (
    "n_positive_weeks",
    "n_tested_weeks",
    "n_missing_weeks",
    "n_scheduled_weeks",
    "n_positive_weeks_completers",
    "n_tested_weeks_completers",
)
N_CODES = NOSCHED + 1  # symbol codes of a WordMatrix, PAD (past a word's end) included
# Per rule: (numerator, denominator) columns of week_counts.
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


@dataclass(frozen=True)
class _Outcome:
    """One definition under one rule on the counted words: per row (a group's distinct word)
    its group, time (NaN for flags), event, whether it is evaluable, and its episodes."""

    labels: np.ndarray  # the groups, sorted
    group: np.ndarray  # each row's position in labels
    time: np.ndarray
    event: np.ndarray
    evaluable: np.ndarray
    weights: np.ndarray

    def per_group(self, values: np.ndarray) -> np.ndarray:
        """Sum of `values` (one per row) in each group, in label order."""
        return np.bincount(self.group, weights=values, minlength=len(self.labels))


def _outcomes(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    group_by: str | None,
    definition: Many,
    substance: str,
    missing: Many,
    kinds: tuple[str, ...],
) -> Iterator[tuple[Definition, str, _Outcome]]:
    """(definition, rule, outcome) for every definition and rule. The words are encoded once
    and every definition and rule reads the same matrix (pipelines.patterns.words)."""
    chosen = _definitions(definition, kinds)
    rules = [check_missing_rule(m) for m in _many(missing)]
    words, matrix = counted_word_matrix(
        con, filters=filters, group_by=group_by, substance=substance
    )
    # counted_words orders its rows by group, so the first-seen order is the sorted order.
    group, labels = pd.factorize(words["group_value"])
    labels = labels.to_numpy(object)
    weights = words["n_episodes"].to_numpy("int64")
    key = words_key(filters, group_by, substance)
    for rule in rules:
        for d in chosen:
            # Kept: the curve and the log-rank of one definition and rule evaluate it once.
            values = kept(con, (*key, d.id, d.version, rule), partial(d.on_matrix, matrix, rule))
            if d.kind == "flag":
                event, is_na = values[d.id]
                time = np.full(len(weights), np.nan)
            else:
                time, is_na = values[f"{d.id}_time"]
                event = values[f"{d.id}_event"][0]
            evaluable = ~np.asarray(is_na, dtype=bool)
            time = np.where(evaluable, np.asarray(time, dtype=float), np.nan)
            event = np.asarray(event, dtype=bool) & evaluable
            yield d, rule, _Outcome(labels, group, time, event, evaluable, weights)


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
    for d, rule, o in _outcomes(con, filters, group_by, definition, substance, missing, RATE_KINDS):
        n_episodes = o.per_group(o.weights).astype("int64")
        n = o.per_group(o.weights * o.evaluable).astype("int64")
        k = o.per_group(o.weights * o.event).astype("int64")
        low, high = wilson_interval(k, n) if len(n) else (n, n)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(n > 0, k / n, np.nan)
        for i, group in enumerate(o.labels):
            row = (group, d.id, rule, n_episodes[i], n[i], k[i], rate[i], low[i], high[i])
            rows.append(row)
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
    for d, rule, o in _outcomes(
        con, filters, group_by, definition, substance, missing, ("time_event",)
    ):
        for g, group in enumerate(o.labels):
            mine = (o.group == g) & o.evaluable
            if not mine.any():
                continue
            curve = kaplan_meier(o.time[mine], o.event[mine], weights=o.weights[mine])
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
    for d, rule, o in _outcomes(
        con, filters, group_by, definition, substance, missing, ("time_event",)
    ):
        shown = np.unique(o.group[o.evaluable])  # groups with an evaluable episode
        if len(shown) < 2:
            n = o.per_group(o.weights * o.evaluable).astype("int64")
            k = o.per_group(o.weights * o.event).astype("int64")
            for g in shown:
                rows.append((o.labels[g], d.id, rule, n[g], k[g], np.nan, np.nan, 0, np.nan))
            continue
        e = o.evaluable
        result = logrank(o.time[e], o.event[e], o.labels[o.group[e]], weights=o.weights[e])
        for group, n, observed, expected in zip(
            result.groups, result.n, result.observed, result.expected, strict=True
        ):
            stats = (result.statistic, result.df, result.p_value)
            rows.append((group, d.id, rule, n, observed, expected, *stats))
    columns = ["group_value", "definition", "missing", "n_evaluable", "n_events", "n_expected"]
    columns += ["statistic", "df", "p_value"]
    return pd.DataFrame(rows, columns=columns).assign(substance=check_substance(substance))


def week_counts(words: pd.DataFrame, matrix: WordMatrix) -> pd.DataFrame:
    """Weeks by group and week number, counted from the words (`counted_word_matrix`): the week-k
    symbol of a word is its k-th letter (marts.episode_words), so the weeks need no second
    query. One row per group and week that some episode reached, in that order.

    n_positive_weeks ('+' or '*'), n_tested_weeks ('+', '-', '*'), n_missing_weeks ('o'),
    n_scheduled_weeks (all but '_'), and the positive and tested weeks of completers (words
    without 'o'); episodes without a word (no treatment week yet) count nowhere."""
    columns = ["group_value", "week_number", *WEEK_COUNTS]
    if words.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in columns}).assign(
            group_value=pd.Series(dtype=words["group_value"].dtype)
        )[columns]
    # A missing word is all PAD: it reaches no week and counts nowhere. Episodes per group,
    # week and symbol in one bincount (all episodes, then completers only); every count is a
    # sum over symbols of those. Rows are ordered by group (counted_words), so each group is one
    # run of rows.
    groups = words["group_value"].to_numpy(object)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(groups)]))
    width = matrix.codes.shape[1]
    cell = (group[:, None] * width + np.arange(width)[None, :]) * N_CODES + matrix.codes
    weights = words["n_episodes"].to_numpy("int64")
    size = len(starts) * width * N_CODES
    shape = (len(starts), width, N_CODES)

    def by_symbol(w: np.ndarray) -> np.ndarray:
        return np.bincount(cell.ravel(), np.repeat(w, width), size).reshape(shape).astype("int64")

    every = by_symbol(weights)
    completers = by_symbol(np.where(matrix.has_missing, 0, weights))
    reached = every[:, :, PAD + 1 :].sum(axis=2) > 0
    group_of, week_of = np.nonzero(reached)

    def total(counts: np.ndarray, symbols: tuple[int, ...]) -> np.ndarray:
        return counts[:, :, list(symbols)].sum(axis=2)[reached]

    out = {
        "group_value": pd.Series(groups[starts][group_of], dtype=words["group_value"].dtype),
        "week_number": week_of + 1,
        "n_positive_weeks": total(every, (POS, MIX)),
        "n_tested_weeks": total(every, (POS, NEG, MIX)),
        "n_missing_weeks": total(every, (MISS,)),
        "n_scheduled_weeks": total(every, (POS, NEG, MIX, MISS)),
        "n_positive_weeks_completers": total(completers, (POS, MIX)),
        "n_tested_weeks_completers": total(completers, (POS, NEG, MIX)),
    }
    return pd.DataFrame(out)[columns]


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
    counts = week_counts(
        *counted_word_matrix(con, filters=filters, group_by=group_by, substance=substance)
    )
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
