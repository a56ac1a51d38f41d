"""Per-episode use-pattern words and outcome values from the database, and their CSV export.

The words are built in SQL (marts.use_weeks, marts.episode_words); the outcome definitions are
evaluated here, in bulk, on the words of the episodes passing the shared filters.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import IO

import duckdb
import pandas as pd

from pipelines.db import kept
from pipelines.metrics.filters import ALL, Filters
from pipelines.metrics.runner import run_sql
from pipelines.patterns.bulk import evaluate
from pipelines.patterns.definitions import choose
from pipelines.patterns.substances import check_substance
from pipelines.patterns.words import (
    MissingRule,
    WordMatrix,
    check_missing_rule,
    encode,
    to_arrow,
)

PATTERNS_SQL = Path(__file__).resolve().parents[1] / "sql" / "patterns"
OUTCOME_KEYS = ("client_id", "admission_date", "word")


@cache
def pattern_sql(name: str) -> str:
    return (PATTERNS_SQL / f"{name}.sql").read_text()


def run_pattern_sql(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]
) -> pd.DataFrame:
    """Run `sql/patterns/<name>.sql` on its own cursor (safe across threads, STACK.md)."""
    return run_sql(con, pattern_sql(name), params)


def episode_words(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    substance: str = "opioids",
) -> pd.DataFrame:
    """Each filtered episode's weekly use-pattern word for one substance class (CTNote legend)."""
    params = filters.params(group_by) | {"substance": check_substance(substance)}
    df = run_pattern_sql(con, "pattern_episodes", params)
    df = df.sort_values(["group_value", "episode_id"], ignore_index=True)
    df["word"] = df["word"].astype("string")
    return df


def counted_words(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    substance: str = "opioids",
) -> pd.DataFrame:
    """The words of `episode_words` counted per group: group_value, word, n_episodes.

    A definition's value depends on the word alone, and episodes share words (about one distinct
    word in five at 100k episodes), so the group aggregates evaluate each word once and weigh it
    by its episodes instead of moving and evaluating every episode's word. The relapse page's
    tables all start from the same counted words, so they are counted once per filter on a
    published database (`pipelines.db.kept`); callers get a copy.
    """
    params = filters.params(group_by) | {"substance": check_substance(substance)}

    def count() -> pd.DataFrame:
        rows = f"({pattern_sql('pattern_episodes')}) as pattern_episodes"
        counted = "select group_value, word, count(*) as n_episodes"
        sql = f"{counted} from {rows} group by all order by all"
        df = run_sql(con, sql, params)
        df["word"] = df["word"].astype("string")
        return df

    return kept(con, _words_key(params), count).copy()


def counted_word_matrix(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    substance: str = "opioids",
) -> tuple[pd.DataFrame, WordMatrix]:
    """`counted_words` and the same words encoded (one row each), encoded once per filter on a
    published database like the words themselves. The matrix is shared: read it, do not change
    it."""
    words = counted_words(con, filters=filters, group_by=group_by, substance=substance)
    key = (*words_key(filters, group_by, substance), "matrix")
    return words, kept(con, key, lambda: encode(to_arrow(words["word"])))


def words_key(filters: Filters, group_by: str | None, substance: str) -> tuple:
    """What identifies one set of counted words: a key for results kept beside them."""
    return _words_key(filters.params(group_by) | {"substance": check_substance(substance)})


def _words_key(params: dict[str, object]) -> tuple:
    """The filter, grouping and substance as a key (lists, which do not hash, as tuples)."""
    listed = ((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())
    return ("counted_words", *listed)


def episode_outcomes(
    con: duckdb.DuckDBPyConnection,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    definitions: str | Sequence[str] = "all",
    substance: str = "opioids",
    missing: MissingRule = "positive",
) -> pd.DataFrame:
    """Per episode: client, admission date, word and each definition's value (docs/patterns.md).

    A time-to-event definition gives `<id>_time` (weeks) and `<id>_event` (1/0); a count, share
    or flag gives one column `<id>`. Not-evaluable values are <NA>. With `group_by`, the first
    column is `group_value`.
    """
    check_missing_rule(missing)
    chosen = [d.id for d in choose(definitions)]
    words = episode_words(con, filters=filters, group_by=group_by, substance=substance)
    values = evaluate(words["word"], chosen, missing)
    keys = (["group_value"] if group_by else []) + ["episode_id", *OUTCOME_KEYS]
    return pd.concat([words[keys], values], axis=1)


def write_outcomes_csv(outcomes: pd.DataFrame, target: Path | str | IO[str]) -> int:
    """Write `episode_outcomes` as CSV safe to open in a spreadsheet; return the number of rows.

    Every word gets a leading apostrophe, whatever its first symbol ('+-+' would otherwise be
    read as a formula, and a uniform rule keeps the column sortable and easy to strip); any
    other text cell starting with =, +, -, @, tab or carriage return gets one too. Dates are ISO,
    flags true/false, NA an empty cell.
    """
    from pipelines.export import neutralize  # the product's one rule (imports plotly: lazily)

    out = outcomes.drop(columns=["episode_id"], errors="ignore").copy()
    if "word" in out:
        out["word"] = ["" if pd.isna(w) else "'" + w for w in out["word"]]
    if "admission_date" in out:
        out["admission_date"] = pd.to_datetime(out["admission_date"]).dt.strftime("%Y-%m-%d")
    for column in out.columns:  # flags as the data contract writes booleans
        if out[column].dtype == "boolean":
            out[column] = out[column].map({True: "true", False: "false"}).astype("object")
    for column in out.columns:
        if column != "word" and pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralize)
    options = {"index": False, "na_rep": "", "quoting": csv.QUOTE_MINIMAL, "lineterminator": "\n"}
    if isinstance(target, str | Path):
        with Path(target).open("w", newline="", encoding="utf-8") as handle:
            out.to_csv(handle, **options)
    else:
        out.to_csv(target, **options)
    return len(out)
